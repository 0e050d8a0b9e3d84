package io.aiwatch.tool.experiment.run;

import io.aiwatch.collect.Labels;
import io.aiwatch.tool.experiment.RecordedSample;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The raw samples of a run, lossless and compact: gzip'd text where a value is written only when
 * it differs from the same series' previous scrape. Lines (tab-separated):
 *
 * <pre>
 * S id endpoint name label=value...   defines series id (label values escaped: \\ \t \n)
 * T epochMs endpoint                  a scrape of endpoint starts; every series of the endpoint
 *                                     that is not marked gone has a sample at epochMs
 * id value                            the series' value from this scrape on
 * G id                                the series was absent from this scrape
 * E epochMs endpoint message          the scrape failed (no samples at epochMs)
 * </pre>
 *
 * {@link #read} expands it back into every sample of every scrape.
 */
public final class SampleLog implements Closeable {
    static final String HEADER = "# aiwatch experiment samples v1 (see SampleLog): S=series, T=scrape, G=gone, E=error";

    private final BufferedWriter out;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<Integer, Double> last = new HashMap<>();
    private final Map<String, List<Integer>> present = new HashMap<>();

    public SampleLog(Path file) throws IOException {
        this.out = new BufferedWriter(
                new OutputStreamWriter(
                        new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8),
                1 << 16);
        out.write(HEADER);
        out.write('\n');
    }

    /** Writes one scrape: every sample of {@code endpoint} taken at {@code epochMs}. */
    public synchronized void scrape(String endpoint, long epochMs, List<RecordedSample> samples) throws IOException {
        out.write("T\t" + epochMs + "\t" + endpoint + "\n");
        List<Integer> now = new ArrayList<>(samples.size());
        for (RecordedSample s : samples) {
            String key = endpoint + "\t" + s.name() + "\t" + labels(s.labels());
            Integer id = ids.get(key);
            if (id == null) {
                id = ids.size();
                ids.put(key, id);
                out.write("S\t" + id + "\t" + key + "\n");
            }
            now.add(id);
            Double prev = last.put(id, s.value());
            if (prev == null || Double.compare(prev, s.value()) != 0) {
                out.write(id + "\t" + num(s.value()) + "\n");
            }
        }
        List<Integer> before = present.put(endpoint, now);
        if (before != null) {
            java.util.Set<Integer> still = new java.util.HashSet<>(now);
            for (Integer id : before) {
                if (!still.contains(id)) {
                    out.write("G\t" + id + "\n");
                    last.remove(id);
                }
            }
        }
    }

    public synchronized void error(String endpoint, long epochMs, String message) throws IOException {
        out.write("E\t" + epochMs + "\t" + endpoint + "\t" + escape(message) + "\n");
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /** Calls {@code sink} with every sample in the file, in scrape order. */
    public static void read(Path file, Consumer<RecordedSample> sink) throws IOException {
        Map<Integer, String[]> series = new HashMap<>();
        Map<Integer, Labels> labelsById = new HashMap<>();
        Map<String, Map<Integer, Double>> current = new HashMap<>();
        String[] scrape = null; // epochMs, endpoint
        Truncatable in = new Truncatable(new GZIPInputStream(Files.newInputStream(file), 1 << 16));
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = r.readLine();
            while (line != null) {
                String next = r.readLine();
                if (next == null && in.truncated) {
                    break; // the last line of a file cut off mid-write may be partial
                }
                if (!line.isEmpty() && !line.startsWith("#")) {
                    String[] f = line.split("\t", -1);
                    switch (f[0]) {
                        case "S" -> {
                            int id = Integer.parseInt(f[1]);
                            series.put(id, new String[] {f[2], f[3]});
                            labelsById.put(id, parseLabels(f, 4));
                        }
                        case "T" -> {
                            emit(scrape, current, series, labelsById, sink);
                            scrape = new String[] {f[1], f[2]};
                        }
                        case "G" -> {
                            int id = Integer.parseInt(f[1]);
                            current.computeIfAbsent(series.get(id)[0], k -> new LinkedHashMap<>())
                                    .remove(id);
                        }
                        case "E" -> {
                            emit(scrape, current, series, labelsById, sink);
                            scrape = null;
                        }
                        default -> {
                            int id = Integer.parseInt(f[0]);
                            current.computeIfAbsent(series.get(id)[0], k -> new LinkedHashMap<>())
                                    .put(id, parseNum(f[1]));
                        }
                    }
                }
                line = next;
            }
        }
        if (!in.truncated) {
            emit(scrape, current, series, labelsById, sink);
        }
    }

    /**
     * Ends the stream where a file killed mid-write stops (gzip without its trailer) instead of
     * failing, and says so, so that everything complete before that point is still read.
     */
    private static final class Truncatable extends java.io.FilterInputStream {
        boolean truncated;

        Truncatable(java.io.InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (truncated) {
                return -1;
            }
            try {
                return super.read(b, off, len);
            } catch (java.io.EOFException | java.util.zip.ZipException e) {
                truncated = true;
                return -1;
            }
        }
    }

    private static void emit(
            String[] scrape,
            Map<String, Map<Integer, Double>> current,
            Map<Integer, String[]> series,
            Map<Integer, Labels> labelsById,
            Consumer<RecordedSample> sink) {
        if (scrape == null) {
            return;
        }
        long t = Long.parseLong(scrape[0]);
        Map<Integer, Double> values = current.getOrDefault(scrape[1], Map.of());
        for (var e : values.entrySet()) {
            sink.accept(new RecordedSample(
                    t, scrape[1], series.get(e.getKey())[1], labelsById.get(e.getKey()), e.getValue()));
        }
    }

    private static String labels(Labels l) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                sb.append('\t');
            }
            sb.append(l.name(i)).append('=').append(escape(l.value(i)));
        }
        return sb.toString();
    }

    private static Labels parseLabels(String[] f, int from) {
        List<String> kv = new ArrayList<>();
        for (int i = from; i < f.length; i++) {
            if (f[i].isEmpty()) {
                continue;
            }
            int eq = f[i].indexOf('=');
            kv.add(f[i].substring(0, eq));
            kv.add(unescape(f[i].substring(eq + 1)));
        }
        return kv.isEmpty() ? Labels.EMPTY : Labels.of(kv.toArray(new String[0]));
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static double parseNum(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
