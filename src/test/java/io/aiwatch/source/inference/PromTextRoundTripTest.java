package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import io.aiwatch.reader.exposition.TextFormat;
import io.aiwatch.source.inference.PromTextParser.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property-style checks with fixed seeds, so a failure is reproducible. */
class PromTextRoundTripTest {
    private static final String NASTY = "ab\\\"\n{},= #éλ\t🚀";
    private static final String INSERTS = "\\\"{}#=, \n\t+-.eE0NaInf";
    private static final double[] VALUES = {
        0,
        -0.5,
        1,
        42,
        1e-9,
        1.756200000123e9,
        123456789.123,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Double.MAX_VALUE,
        Double.MIN_VALUE
    };

    @Test
    void everythingOurTextFormatWritesParsesBackToTheSameFamilies() throws Exception {
        Random random = new Random(20240611L);
        for (int round = 0; round < 300; round++) {
            List<MetricFamily> written = randomFamilies(random).stream()
                    .filter(f -> !f.samples().isEmpty())
                    .toList();
            StringBuilder out = new StringBuilder();
            written.forEach(f -> TextFormat.write(out, f));

            List<PromFamily> parsed = new PromTextParser(Format.TEXT_0_0_4).parse(out.toString());

            assertThat(parsed).as("round %d:%n%s", round, out).hasSameSizeAs(written);
            for (int i = 0; i < written.size(); i++) {
                MetricFamily w = written.get(i);
                PromFamily p = parsed.get(i);
                assertThat(p.name()).isEqualTo(w.name());
                assertThat(p.type().name())
                        .isEqualTo(
                                w.type() == MetricType.UNKNOWN
                                        ? "UNTYPED"
                                        : w.type().name());
                assertThat(p.help()).isEqualTo(w.help());
                assertThat(p.samples()).hasSameSizeAs(w.samples());
                for (int j = 0; j < w.samples().size(); j++) {
                    Sample ws = w.samples().get(j);
                    PromSample ps = p.samples().get(j);
                    assertThat(ps.name()).isEqualTo(ws.name());
                    assertThat(ps.labels()).isEqualTo(ws.labels());
                    if (!(Double.isNaN(ws.value()) ? Double.isNaN(ps.value()) : ws.value() == ps.value())) {
                        fail("value %s read back as %s in round %d", ws.value(), ps.value(), round);
                    }
                }
            }
        }
    }

    @Test
    void mutatedScrapesParseOrFailWithParseExceptionOnly() throws Exception {
        String base = PromTextParserTest.resource("exposition_synthetic_v1.txt");
        String om = base.replace("_total{", "_total{").concat("# EOF\n");
        Random random = new Random(7L);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 600; i++) {
            boolean openMetrics = (i & 1) == 1;
            String mutated = mutate(openMetrics ? om : base, random);
            try {
                new PromTextParser(openMetrics ? Format.OPENMETRICS_1_0 : Format.TEXT_0_0_4).parse(mutated);
                parsed++;
            } catch (ParseException e) {
                rejected++;
                assertThat(e.line()).isPositive();
            }
        }
        assertThat(parsed).as("some mutations stay valid").isPositive();
        assertThat(rejected).as("most mutations break the exposition").isGreaterThan(parsed);
    }

    private static String mutate(String s, Random random) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(5)) {
                case 0 -> b.setLength(at);
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.insert(at, INSERTS.charAt(random.nextInt(INSERTS.length())));
                case 3 -> b.setCharAt(at, (char) random.nextInt(0x3000));
                default -> b.insert(at, b, Math.max(0, at - 200), at);
            }
        }
        return b.toString();
    }

    private static List<MetricFamily> randomFamilies(Random random) {
        List<MetricFamily> families = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        for (int f = 0; f < n; f++) {
            String name = "fam_" + f + (random.nextBoolean() ? ":sub" : "");
            MetricType type = MetricType.values()[random.nextInt(MetricType.values().length)];
            if (type == MetricType.SUMMARY) {
                type = MetricType.GAUGE;
            }
            var builder = MetricFamily.builder(name, type, randomText(random));
            int series = random.nextInt(4);
            for (int s = 0; s < series; s++) {
                Labels labels = Labels.of("series", Integer.toString(s), "v", randomText(random));
                if (type == MetricType.HISTOGRAM) {
                    double cumulative = 0;
                    for (String le : new String[] {"0.1", "1", "+Inf"}) {
                        cumulative += random.nextInt(5);
                        builder.addSample(name + "_bucket", labels.and("le", le), cumulative);
                    }
                    builder.addSample(name + "_sum", labels, VALUES[random.nextInt(VALUES.length)]);
                    builder.addSample(name + "_count", labels, cumulative);
                } else {
                    builder.add(labels, VALUES[random.nextInt(VALUES.length)]);
                }
            }
            families.add(builder.build());
        }
        return families;
    }

    private static String randomText(Random random) {
        StringBuilder b = new StringBuilder();
        int len = random.nextInt(12);
        for (int i = 0; i < len; i++) {
            b.append(NASTY.charAt(random.nextInt(NASTY.length() - 2)));
            if (random.nextInt(10) == 0) {
                b.append("🚀");
            }
        }
        return b.toString();
    }
}
