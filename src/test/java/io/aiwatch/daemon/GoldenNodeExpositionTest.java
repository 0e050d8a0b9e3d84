package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.CollectorRunner;
import io.aiwatch.config.ConfigLoader;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.source.storage.FsStat;
import io.aiwatch.testing.ManualClock;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole {@code /metrics} body of a simulated node, as the daemon serves it over HTTP in both
 * formats, is a public contract (every family of every collector: names, labels, order, types,
 * units). It is compared with the golden files; regenerate them on purpose only, with
 * {@code ./mvnw test -Dtest=GoldenNodeExpositionTest -Dgolden.update=true}, and review the diff.
 *
 * <p>The node: 8 simulated H100s, an idle vLLM simulator as inference target, the storage
 * collectors on the fixture procfs/sysfs with a fixed statvfs, host name {@code golden-node}. It runs
 * on a manual clock and a manual collector runner whose stopwatches advance 1 ms (wall) and
 * 0.5 ms (CPU) per reading, so ages, timestamps and the collectors' own durations are fixed.
 *
 * <p>Masked, and nothing else (see {@link #mask}):
 * <ul>
 *   <li>the JVM collector's families ({@code jvm_*}, {@code process_*}, {@code system_*}) keep
 *       their {@code HELP}/{@code TYPE} lines but not their samples: values, memory pools, GC names
 *       and thread states depend on the JVM and the moment; {@code jvm_gc_pause_seconds*} and
 *       {@code jvm_gc_concurrent_phase_time_seconds*} are left out, they exist only once the JVM
 *       has collected, or with a concurrent collector;</li>
 *   <li>the value of {@code aiwatch_inference_scrape_duration_seconds}, an HTTP round trip timed
 *       with {@code System.nanoTime}, reads {@code <masked>}.</li>
 * </ul>
 */
class GoldenNodeExpositionTest {
    static final Path TEXT = Path.of("src/test/resources/golden/simulated-node.prom");
    static final Path OPENMETRICS = Path.of("src/test/resources/golden/simulated-node.om");
    static final Path STORAGE = Path.of("src/test/resources/storage/tree").toAbsolutePath();

    private static final Pattern JVM_FAMILY = Pattern.compile("(jvm|process|system)_\\w*");
    private static final Pattern JVM_DROPPED =
            Pattern.compile("jvm_gc_(pause|concurrent_phase_time)_seconds(_max)?(_count|_sum|_total)?");
    private static final Pattern MASKED_VALUE = Pattern.compile("(aiwatch_inference_scrape_duration_seconds\\{.*}) .*");

    private final HttpClient http = HttpClient.newHttpClient();

    /** Both bodies, text first, of the simulated node after two collection rounds 1 s apart. */
    static List<String> scrape(HttpClient http) throws Exception {
        try (VllmSimulator sim = VllmSimulator.start(SimulatorConfig.defaults().withListen("127.0.0.1", 0))) {
            return scrape(http, sim.port());
        }
    }

    private static List<String> scrape(HttpClient http, int simulatorPort) throws Exception {
        // The simulator is a target of its own rather than the daemon's (whose 500 ms timeout a
        // loaded build machine can overrun): the body must not depend on the machine's speed.
        String yaml = """
                listen: 127.0.0.1:0
                gpu:
                  simulate: 8
                inference:
                  targets:
                    - url: http://127.0.0.1:%d/metrics
                      name: simulator
                      interval: 10s
                      timeout: 10s
                storage:
                  proc_root: %s/proc
                  sys_root: %s/sys
                """.formatted(simulatorPort, STORAGE, STORAGE);
        DaemonConfig config = new ConfigLoader().parse("golden.yaml", yaml, DaemonConfig.class);
        ManualClock clock = new ManualClock(Instant.parse("2026-11-26T12:00:00Z"));
        AtomicLong wall = new AtomicLong();
        AtomicLong cpu = new AtomicLong();
        Daemon.Host host = new Daemon.Host(
                "golden-node",
                path -> new FsStat(4096, 1_000_000, 400_000, 350_000, 65_536, 60_000),
                store -> CollectorRunner.manual(store, () -> wall.addAndGet(1_000_000), () -> cpu.addAndGet(500_000)));
        try (Daemon d = Daemon.start(config, clock, host)) {
            d.runner().runAll();
            clock.advance(Duration.ofSeconds(1));
            ((SimulatedGpuBackend) d.gpu().backend()).injectXid(3, 13);
            d.runner().runAll();
            List<String> bodies = new ArrayList<>();
            for (String accept : new String[] {null, "application/openmetrics-text;version=1.0.0"}) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/metrics"));
                if (accept != null) {
                    b.header("Accept", accept);
                }
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                bodies.add(mask(r.body()));
            }
            return bodies;
        }
    }

    /** The documented masks, applied line by line; every other line is kept as served. */
    static String mask(String body) {
        StringBuilder out = new StringBuilder(body.length());
        for (String line : body.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            boolean meta = line.startsWith("# HELP ") || line.startsWith("# TYPE ");
            String family = meta ? line.split(" ")[2] : line.split("[{ ]")[0];
            if (JVM_FAMILY.matcher(family).matches()) {
                if (JVM_DROPPED.matcher(family).matches() || !meta) {
                    continue;
                }
            }
            var m = MASKED_VALUE.matcher(line);
            out.append(m.matches() ? m.group(1) + " <masked>" : line).append('\n');
        }
        return out.toString();
    }

    private static void compare(String actual, Path golden) throws Exception {
        // What was served, beside the build output, for a diff when the comparison fails.
        Path served = Path.of("target/golden-actual").resolve(golden.getFileName());
        Files.createDirectories(served.getParent());
        Files.writeString(served, actual, StandardCharsets.UTF_8);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        String expected = Files.readString(golden, StandardCharsets.UTF_8);
        assertThat(actual).as(() -> firstDifference(expected, actual, served)).isEqualTo(expected);
    }

    /** The first line that differs, both ways, so a failure says where without a 120 kB dump. */
    private static String firstDifference(String expected, String actual, Path served) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end>";
            String al = i < a.length ? a[i] : "<end>";
            if (!el.equals(al)) {
                return "line " + (i + 1) + ": golden '" + el + "', served '" + al + "' (all of it: " + served + ")";
            }
        }
        return "same lines";
    }

    @Test
    void theSimulatedNodesWholeExpositionMatchesTheGoldenFilesInBothFormats() throws Exception {
        List<String> bodies = scrape(http);
        compare(bodies.get(0), TEXT);
        compare(bodies.get(1), OPENMETRICS);
    }

    @Test
    void theGoldenFilesCoverEveryCollectorOfTheNode() throws Exception {
        for (Path golden : List.of(TEXT, OPENMETRICS)) {
            String g = Files.readString(golden, StandardCharsets.UTF_8);
            for (String collector : List.of(
                    "gpu",
                    "gpu_costly",
                    "gpu_slow",
                    "gpu_topology",
                    "inference-simulator",
                    "storage_disk",
                    "storage_filesystem",
                    "storage_zfs",
                    "storage_process",
                    "http",
                    "jvm")) {
                assertThat(g)
                        .as(golden + " " + collector)
                        .contains("aiwatch_collector_up{collector=\"" + collector + "\"} 1");
            }
            assertThat(g)
                    .contains("DCGM_FI_DEV_GPU_TEMP{gpu=\"7\"", "Hostname=\"golden-node\"")
                    .contains("aiwatch_inference_target_up{target=\"simulator\"} 1")
                    .contains("aiwatch_disk_read_bytes_total{", "aiwatch_filesystem_size_bytes{", "aiwatch_zfs_")
                    .contains("aiwatch_http_scrapes_rejected_total", "jvm_memory_used_bytes");
        }
        assertThat(Files.readString(OPENMETRICS, StandardCharsets.UTF_8)).endsWith("# EOF\n");
    }

    @Test
    void twoRunsServeTheSameMaskedBodies() throws Exception {
        assertThat(scrape(http)).isEqualTo(scrape(http));
    }
}
