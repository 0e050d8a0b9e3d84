package io.aiwatch.reader.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.reader.exposition.ContentNegotiation.Format;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Families of one name from several collectors come out as one family (issue #17 item 2). */
class FamilyMergeTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10})
    void everyInferenceFamilyOnceWithAllTargetsContiguous(int targets) throws Exception {
        for (Format format : Format.values()) {
            String text = MultiTargetExposition.render(targets, format);
            String[] lines = text.split("\n");
            Map<String, Long> types = Arrays.stream(lines)
                    .filter(l -> l.startsWith("# TYPE "))
                    .map(l -> l.split(" ")[2])
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(types).as(format.name()).containsKey("aiwatch_inference_target_up");
            assertThat(types).allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1L));
            assertThat(Arrays.stream(lines).filter(l -> l.startsWith("# HELP ")).count())
                    .isEqualTo(types.size());
            assertThat(Arrays.stream(lines).filter(l -> l.startsWith("aiwatch_inference_target_up{")))
                    .hasSize(targets);
            assertContiguous(lines);
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aFamilyOfAnotherTypeUnderTheSameNameIsLeftOutNotRepeated(Format format) {
        MetricFamily gauge = MetricFamily.builder("x_things", MetricType.GAUGE, "things")
                .add(Labels.of("target", "a"), 1)
                .build();
        MetricFamily counterOfSameName = MetricFamily.builder("x_things", MetricType.COUNTER, "things")
                .add(Labels.of("target", "b"), 2)
                .build();
        MetricFamily sameType = MetricFamily.builder("x_things", MetricType.GAUGE, "other help")
                .add(Labels.of("target", "c"), 3)
                .build();
        Set<String> warned = new HashSet<>();
        FamilyMerge merge = new FamilyMerge(warned);
        merge.addAll("a", render(List.of(gauge), format));
        merge.addAll("b", render(List.of(counterOfSameName), format));
        merge.addAll("c", render(List.of(sameType), format));
        StringBuilder out = new StringBuilder();
        merge.parts().forEach(p -> out.append(new String(p, StandardCharsets.UTF_8)));
        assertThat(out.toString())
                .contains("x_things{target=\"a\"} 1\nx_things{target=\"c\"} 3\n")
                .doesNotContain("target=\"b\"")
                .doesNotContain("other help");
        assertThat(warned).containsExactly("x_things");
    }

    private static List<RenderedFamily> render(List<MetricFamily> families, Format format) {
        List<RenderedFamily> out = new ArrayList<>();
        for (MetricFamily f : families) {
            StringBuilder sb = new StringBuilder();
            format.write(sb, f);
            out.add(RenderedFamily.split(f, sb));
        }
        return out;
    }

    /** Each family's lines form one run: a family seen again after another one started is an error. */
    static void assertContiguous(String[] lines) {
        Set<String> done = new HashSet<>();
        String current = null;
        for (String l : lines) {
            if (l.startsWith("# EOF")) {
                continue;
            }
            String family = l.startsWith("# ") ? l.split(" ")[2] : base(l.split("[{ ]")[0]);
            if (!family.equals(current) && !(current != null && base(family).equals(base(current)))) {
                assertThat(done).as("family %s appears again at: %s", family, l).doesNotContain(base(family));
                if (current != null) {
                    done.add(base(current));
                }
                current = family;
            }
        }
    }

    private static String base(String sampleName) {
        return sampleName.replaceAll("(_bucket|_sum|_count|_total|_created|_info)$", "");
    }
}
