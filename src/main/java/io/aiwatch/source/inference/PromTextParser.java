package io.aiwatch.source.inference;

import io.aiwatch.collect.Exemplar;
import io.aiwatch.collect.Labels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text.
 *
 * <p>One instance per target, reused every scrape: it is not thread-safe, and it keeps a small
 * pool of the strings it has seen (metric names, label names, model names), so that a scrape of
 * an unchanged target allocates almost no new strings. Every loop advances through the input, so
 * parsing is linear in its length and always ends.
 *
 * <p>Truncation is an error in both formats: OpenMetrics must end with {@code # EOF}, and a 0.0.4
 * exposition must end with a newline (a body cut inside a line would otherwise yield a shortened
 * value silently).
 */
public final class PromTextParser {
    /** Which exposition grammar to apply. */
    public enum Format {
        TEXT_0_0_4,
        OPENMETRICS_1_0;

        /** OpenMetrics for {@code application/openmetrics-text}, otherwise 0.0.4 (the negotiation fallback). */
        public static Format fromContentType(String contentType) {
            return contentType != null
                            && contentType.toLowerCase(Locale.ROOT).startsWith("application/openmetrics-text")
                    ? OPENMETRICS_1_0
                    : TEXT_0_0_4;
        }
    }

    private static final String[] SUFFIXES = {
        "_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info"
    };

    /** Longest line accepted, bytes; a longer one is a parse error (no real exposition has one). */
    static final int MAX_LINE_BYTES = 1 << 20;

    private final Format format;
    private final boolean om;
    private final PromLineReader r;
    private Map<String, FamilyBuilder> families;
    private FamilyBuilder current;
    private byte[] lineBuf = new byte[256];
    private int lineLength;
    private boolean sawEof;
    private int maxSamples = Integer.MAX_VALUE;
    private int kept;
    private long dropped;

    public PromTextParser(Format format) {
        this.format = format;
        this.om = format == Format.OPENMETRICS_1_0;
        this.r = new PromLineReader(om);
    }

    public Format format() {
        return format;
    }

    /** Parses a whole exposition into families in order of first appearance. */
    public List<PromFamily> parse(String exposition) throws ParseException {
        start(Integer.MAX_VALUE);
        feed(ByteBuffer.wrap(exposition.getBytes(StandardCharsets.UTF_8)));
        try {
            return finish();
        } catch (SeriesLimitException e) {
            throw new AssertionError("no budget was set", e);
        }
    }

    /**
     * Begins a streamed parse: {@link #feed} the body's bytes as they arrive, then {@link #finish}.
     * Only one line is held at a time besides the samples kept, and at most {@code maxSamples}
     * samples are kept: once one more arrives the families read so far are let go and the rest of
     * the body is only counted, so memory stays bounded by the budget whatever the body's size.
     */
    public void start(int maxSamples) {
        this.maxSamples = maxSamples;
        r.line = 0;
        families = new LinkedHashMap<>();
        current = null;
        lineLength = 0;
        sawEof = false;
        kept = 0;
        dropped = 0;
    }

    /** Parses every complete line in {@code bytes}; a partial last line waits for the next call. */
    public void feed(ByteBuffer bytes) throws ParseException {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n') {
                line(true);
                lineLength = 0;
            } else {
                if (lineLength == lineBuf.length) {
                    if (lineLength >= MAX_LINE_BYTES) {
                        r.line++;
                        throw r.error("line longer than " + MAX_LINE_BYTES + " bytes");
                    }
                    lineBuf = Arrays.copyOf(lineBuf, Math.min(MAX_LINE_BYTES, lineLength * 2));
                }
                lineBuf[lineLength++] = b;
            }
        }
    }

    /**
     * Ends a streamed parse: the families in order of first appearance.
     *
     * @throws SeriesLimitException when the body had more samples than the budget of {@link #start}
     */
    public List<PromFamily> finish() throws ParseException, SeriesLimitException {
        try {
            if (lineLength > 0) {
                line(false);
            }
            if (om && !sawEof) {
                r.line++;
                throw r.error("missing # EOF (truncated exposition?)");
            }
            if (families == null) {
                throw new SeriesLimitException(maxSamples, dropped);
            }
            List<PromFamily> result = new ArrayList<>(families.size());
            for (FamilyBuilder f : families.values()) {
                result.add(f.build());
            }
            return result;
        } finally {
            r.text = null;
            families = null;
            current = null;
            lineLength = 0;
            if (lineBuf.length > 4096) {
                lineBuf = new byte[256];
            }
        }
    }

    private void line(boolean terminated) throws ParseException {
        r.line++;
        if (sawEof) {
            throw r.error("content after # EOF");
        }
        int end = lineLength;
        if (end > 0 && lineBuf[end - 1] == '\r') {
            if (om) {
                throw r.error("carriage return before newline (OpenMetrics allows \\n only)");
            }
            end--;
        }
        if (families == null) {
            // Over the budget: only count what would have been a sample.
            int i = 0;
            while (i < end && (lineBuf[i] == ' ' || lineBuf[i] == '\t')) {
                i++;
            }
            if (i < end && lineBuf[i] != '#') {
                dropped++;
            } else if (om
                    && end == 5
                    && lineBuf[0] == '#'
                    && new String(lineBuf, 0, 5, StandardCharsets.UTF_8).equals("# EOF")) {
                sawEof = true;
            }
            return;
        }
        r.text = new String(lineBuf, 0, end, StandardCharsets.UTF_8);
        r.pos = 0;
        r.end = r.text.length();
        sawEof = parseLine();
        if (!terminated && !sawEof) {
            throw r.error("last line has no trailing newline (truncated exposition?)");
        }
    }

    /** Parses the current line; true when it was {@code # EOF} in OpenMetrics. */
    private boolean parseLine() throws ParseException {
        if (!om) {
            r.skipBlanks();
        }
        if (r.atEnd()) {
            if (om) {
                throw r.error("empty line (not allowed in OpenMetrics)");
            }
            return false;
        }
        if (r.peek() == '#') {
            return parseComment();
        }
        parseSample();
        return false;
    }

    private boolean parseComment() throws ParseException {
        r.pos++;
        if (om) {
            if (r.pos == r.end - 4 && r.text.startsWith(" EOF", r.pos)) {
                return true;
            }
            if (!r.expectChar(' ')) {
                throw r.error("comment lines are not allowed in OpenMetrics");
            }
        } else {
            r.skipBlanks();
        }
        int wordStart = r.pos;
        while (!r.atEnd() && r.peek() != ' ' && r.peek() != '\t') {
            r.pos++;
        }
        String word = r.text.substring(wordStart, r.pos);
        boolean known = word.equals("HELP") || word.equals("TYPE") || (om && word.equals("UNIT"));
        if (!known || r.atEnd()) {
            if (om) {
                throw r.error("unexpected comment line '# " + PromLineReader.shorten(word) + "'");
            }
            return false;
        }
        r.separator();
        String name = r.metricName();
        String rest = "";
        if (!r.atEnd()) {
            // Exactly one separator before HELP text: further blanks belong to the text.
            boolean spaced = r.expectChar(' ') || (!om && r.expectChar('\t'));
            if (!spaced) {
                throw r.error("expected a space after metric name " + name);
            }
            rest = word.equals("HELP") ? r.helpText() : r.text.substring(r.pos, r.end);
        }
        FamilyBuilder family = familyForMetadata(name);
        switch (word) {
            case "HELP" -> {
                if (family.help != null) {
                    throw r.error("second HELP line for " + name);
                }
                family.help = rest;
            }
            case "TYPE" -> {
                if (family.type != null) {
                    throw r.error("second TYPE line for " + name);
                }
                if (!family.samples.isEmpty()) {
                    throw r.error("TYPE line for " + name + " after its samples");
                }
                PromType type = PromType.fromWord(om ? rest : rest.strip(), om);
                if (type == null) {
                    throw r.error("unknown metric type '" + PromLineReader.shorten(rest) + "'");
                }
                family.type = type;
            }
            default -> {
                if (family.unit != null) {
                    throw r.error("second UNIT line for " + name);
                }
                if (!rest.isEmpty() && !name.endsWith("_" + rest)) {
                    throw r.error("unit '" + PromLineReader.shorten(rest) + "' is not a suffix of " + name);
                }
                family.unit = rest;
            }
        }
        return false;
    }

    private FamilyBuilder familyForMetadata(String name) throws ParseException {
        FamilyBuilder f = families.get(name);
        if (f == null) {
            f = new FamilyBuilder(name);
            families.put(name, f);
        } else if (om && f != current) {
            throw r.error("metadata for family " + name + " is not contiguous");
        } else if (om && !f.samples.isEmpty()) {
            throw r.error("metadata for family " + name + " after its samples");
        }
        current = f;
        return f;
    }

    private void parseSample() throws ParseException {
        String name = r.metricName();
        Labels labels = Labels.EMPTY;
        int afterName = r.pos;
        if (!om) {
            r.skipBlanks();
        }
        if (!r.atEnd() && r.peek() == '{') {
            labels = r.labels();
        } else {
            r.pos = afterName;
        }
        r.separator();
        double value = r.number("value");
        long timestamp = PromSample.NO_TIMESTAMP;
        Exemplar exemplar = null;
        if (!r.atEnd() && r.gap()) {
            if (r.peek() != '#') {
                timestamp = r.timestamp();
                if (!r.atEnd()) {
                    r.gap();
                }
            }
            if (!r.atEnd()) {
                exemplar = exemplar(name);
            }
        }
        if (kept == maxSamples) {
            // One sample over the budget: let go of everything read so far; the rest is counted.
            families = null;
            current = null;
            dropped = kept + 1L;
            return;
        }
        kept++;
        FamilyBuilder family = familyForSample(name);
        if (name.endsWith("_bucket") && (family.type == PromType.HISTOGRAM || family.type == PromType.GAUGEHISTOGRAM)) {
            checkLe(family, labels);
        }
        family.samples.add(new PromSample(name, labels, value, timestamp, exemplar));
        family.lastLine = r.line;
    }

    private void checkLe(FamilyBuilder family, Labels labels) throws ParseException {
        String le = labels.get("le");
        if (le == null) {
            throw r.error("bucket of " + family.name + " without an le label");
        }
        if (le.equals("+Inf")) {
            family.sawInfBucket = true;
            return;
        }
        boolean[] ok = new boolean[1];
        double bound = PromNumbers.parseFloat(le, 0, le.length(), ok);
        if (!ok[0] || Double.isNaN(bound)) {
            throw r.error("bucket of " + family.name + " has invalid le=\"" + PromLineReader.shorten(le) + "\"");
        }
        family.sawInfBucket |= bound == Double.POSITIVE_INFINITY;
    }

    private FamilyBuilder familyForSample(String name) throws ParseException {
        if (current != null && current.accepts(name, om)) {
            return current;
        }
        FamilyBuilder f = families.get(name);
        if (f != null && !f.accepts(name, om)) {
            throw r.error("sample " + name + " does not fit the type of its family");
        }
        if (f == null) {
            for (String suffix : SUFFIXES) {
                if (name.endsWith(suffix)) {
                    FamilyBuilder g = families.get(name.substring(0, name.length() - suffix.length()));
                    if (g != null && g.accepts(name, om)) {
                        f = g;
                        break;
                    }
                }
            }
        }
        if (f == null) {
            f = new FamilyBuilder(name);
            families.put(name, f);
        } else if (om) {
            throw r.error("samples of family " + f.name + " are interleaved with other families");
        }
        current = f;
        return f;
    }

    private Exemplar exemplar(String sampleName) throws ParseException {
        if (!om) {
            throw r.error("unexpected text after value");
        }
        if (!r.text.startsWith("# {", r.pos)) {
            throw r.error("expected exemplar '# {...}' after value");
        }
        if (!sampleName.endsWith("_bucket") && !sampleName.endsWith("_total")) {
            throw r.error("exemplar on " + sampleName + " (only buckets and counter totals may have one)");
        }
        r.pos += 2;
        Labels labels = r.labels();
        if (Exemplar.labelChars(labels) > Exemplar.MAX_LABEL_CHARS) {
            throw r.error("exemplar labels longer than " + Exemplar.MAX_LABEL_CHARS + " characters");
        }
        r.separator();
        double value = r.number("exemplar value");
        Instant at = null;
        if (!r.atEnd()) {
            r.separator();
            double seconds = r.number("exemplar timestamp");
            if (!Double.isFinite(seconds)) {
                throw r.error("exemplar timestamp " + seconds + " is not a time");
            }
            double whole = Math.floor(seconds);
            at = Instant.ofEpochSecond((long) whole, Math.round((seconds - whole) * 1e9));
        }
        if (!r.atEnd()) {
            throw r.error("unexpected text after exemplar");
        }
        return new Exemplar(labels, value, at);
    }

    /** A family while its lines are being read. */
    private final class FamilyBuilder {
        final String name;
        PromType type;
        String help;
        String unit;
        boolean sawInfBucket;
        int lastLine;
        final List<PromSample> samples = new ArrayList<>();

        FamilyBuilder(String name) {
            this.name = name;
        }

        boolean accepts(String sample, boolean openMetrics) {
            return (type == null ? PromType.UNTYPED : type).accepts(name, sample, openMetrics);
        }

        PromFamily build() throws ParseException {
            PromType t = type == null ? PromType.UNTYPED : type;
            boolean histogram = t == PromType.HISTOGRAM || t == PromType.GAUGEHISTOGRAM;
            if (om && histogram && !samples.isEmpty() && !sawInfBucket) {
                throw new ParseException(lastLine, "histogram " + name + " has no le=\"+Inf\" bucket");
            }
            return new PromFamily(name, t, help == null ? "" : help, unit == null ? "" : unit, samples);
        }
    }
}
