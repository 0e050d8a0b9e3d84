package io.aiwatch.source.inference.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.collect.Collector;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.inference.DiscoveryConfig;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery against the real /proc of this machine and real servers: the vLLM simulator, as a
 * process started like a user would ({@code aiwatch simulate vllm}) and in this JVM, beside a
 * server whose /metrics is not vLLM's; pods through a fake Kubernetes API server.
 */
class VllmDiscoveryTest {
    @TempDir
    Path dir;

    /** Records what discovery starts and stops instead of running it. */
    static final class Recorder implements VllmDiscovery.Targets {
        final List<String> started = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();

        @Override
        public void start(Collector collector) {
            started.add(collector.name());
            try {
                collector.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop(String collectorName) {
            stopped.add(collectorName);
        }
    }

    private static DiscoveryConfig config(String pattern, int max) {
        return new DiscoveryConfig(true, true, pattern, "false", null, "1s", max, "2s", "1s", null);
    }

    private static VllmDiscovery.Status status(Snapshot s) {
        return s.detail(VllmDiscovery.STATUS);
    }

    /** A server answering /metrics with something that is not vLLM. */
    private static HttpServer otherServer() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", ex -> {
            byte[] b = "# TYPE node_load1 gauge\nnode_load1 0.5\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        other.start();
        return other;
    }

    @Test
    void findsASimulatorProcessByItsCommandLineAndFollowsItAway() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-Xshare:auto",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.aiwatch.cli.Main",
                        "simulate",
                        "vllm",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--model",
                        "org/found-8b")
                .redirectErrorStream(true)
                .start();
        Recorder rec = new Recorder();
        try (VllmDiscovery d =
                new VllmDiscovery(config("vllm", 4), Map.of(), Path.of("/proc"), null, Clock.systemUTC(), rec)) {
            // the simulator prints its port once it listens
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Matcher m = null;
            for (String line; (line = out.readLine()) != null; ) {
                m = Pattern.compile("on http://127.0.0.1:(\\d+)").matcher(line);
                if (m.find()) {
                    break;
                }
            }
            assertThat(m).as("simulator did not start").isNotNull();
            int port = Integer.parseInt(m.group(1));

            VllmDiscovery.Status s = status(d.collect());
            assertThat(s.found()).hasSize(1);
            VllmDiscovery.Found f = s.found().get(0);
            assertThat(f.url()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/metrics"));
            assertThat(f.pid()).isEqualTo(p.pid());
            assertThat(f.pids()).contains(p.pid());
            assertThat(f.origin()).isEqualTo("process");
            assertThat(f.target()).isEqualTo("127.0.0.1:" + port);
            assertThat(rec.started).containsExactly("inference-127.0.0.1:" + port);

            // a second refresh neither probes nor starts it again
            Snapshot again = d.collect();
            assertThat(rec.started).hasSize(1);
            assertThat(again.families().stream()
                            .filter(fam -> fam.name().equals("aiwatch_inference_discovery_probes_total"))
                            .findFirst()
                            .orElseThrow()
                            .samples()
                            .get(0)
                            .value())
                    .isEqualTo(1);

            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(status(d.collect()).found()).isEmpty();
            assertThat(rec.stopped).containsExactly("inference-127.0.0.1:" + port);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void probesOnlyMatchingProcessesAndKeepsToTheBound() throws Exception {
        HttpServer other = otherServer();
        VllmSimulator a = VllmSimulator.start(SimulatorConfig.defaults().withListen("127.0.0.1", 0));
        VllmSimulator b = VllmSimulator.start(SimulatorConfig.defaults().withListen("127.0.0.1", 0));
        long me = ProcessHandle.current().pid();
        String myCommand = new ListeningSockets(Path.of("/proc")).command(me);
        try {
            Recorder rec = new Recorder();
            // a pattern this JVM's command line matches: every listener of this JVM is a candidate
            String pattern = Pattern.quote(myCommand.substring(0, Math.min(60, myCommand.length())));
            try (VllmDiscovery d =
                    new VllmDiscovery(config(pattern, 1), Map.of(), Path.of("/proc"), null, Clock.systemUTC(), rec)) {
                VllmDiscovery.Status s = status(d.collect());
                List<URI> urls =
                        s.found().stream().map(VllmDiscovery.Found::url).toList();
                assertThat(urls)
                        .doesNotContain(URI.create(
                                "http://127.0.0.1:" + other.getAddress().getPort() + "/metrics"));
                assertThat(s.found()).hasSize(1);
                assertThat(s.found().get(0).pid()).isEqualTo(me);
                assertThat(s.found().get(0).url().getPort()).isIn(a.port(), b.port());
                assertThat(s.dropped()).isGreaterThanOrEqualTo(1);
            }
            // a pattern nothing matches: nothing is probed
            Recorder none = new Recorder();
            try (VllmDiscovery d = new VllmDiscovery(
                    config("^no-such-process-[0-9]{40}$", 4),
                    Map.of(),
                    Path.of("/proc"),
                    null,
                    Clock.systemUTC(),
                    none)) {
                assertThat(status(d.collect()).found()).isEmpty();
                assertThat(none.started).isEmpty();
            }
        } finally {
            a.close();
            b.close();
            other.stop(0);
        }
    }

    @Test
    void findsAnnotatedPodsOfThisNodeThroughTheApiServer() throws Exception {
        VllmSimulator sim = VllmSimulator.start(SimulatorConfig.defaults().withListen("127.0.0.1", 0));
        HttpServer other = otherServer();
        AtomicReference<String> query = new AtomicReference<>();
        AtomicReference<String> auth = new AtomicReference<>();
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String pods = """
                {"kind":"PodList","items":[
                 {"metadata":{"name":"llama-0","namespace":"serving","annotations":{"aiwatch.io/vllm-metrics-port":"%d"}},
                  "status":{"phase":"Running","podIP":"127.0.0.1"}},
                 {"metadata":{"name":"node-exporter","namespace":"mon","annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"%d"}},
                  "status":{"phase":"Running","podIP":"127.0.0.1"}},
                 {"metadata":{"name":"opted-out","namespace":"serving","annotations":{"prometheus.io/scrape":"false","prometheus.io/port":"%d"}},
                  "status":{"phase":"Running","podIP":"127.0.0.1"}},
                 {"metadata":{"name":"starting","namespace":"serving","annotations":{"aiwatch.io/vllm-metrics-port":"%d"}},
                  "status":{"phase":"Pending"}},
                 {"metadata":{"name":"plain","namespace":"default"},"status":{"phase":"Running","podIP":"127.0.0.1"}}
                ]}""".formatted(sim.port(), other.getAddress().getPort(), sim.port(), sim.port());
        api.createContext("/api/v1/pods", ex -> {
            query.set(ex.getRequestURI().getQuery());
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] b = pods.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        api.start();
        Files.writeString(dir.resolve("token"), "tok-123\n");
        try {
            Recorder rec = new Recorder();
            DiscoveryConfig c = new DiscoveryConfig(true, false, null, "true", null, "1s", 4, "2s", "1s", null);
            try (VllmDiscovery d = VllmDiscovery.withPods(
                    c,
                    URI.create("http://127.0.0.1:" + api.getAddress().getPort()),
                    "gpu-node-7",
                    dir,
                    Path.of("/proc"),
                    Clock.systemUTC(),
                    rec)) {
                VllmDiscovery.Status s = status(d.collect());
                assertThat(query.get()).isEqualTo("fieldSelector=spec.nodeName=gpu-node-7");
                assertThat(auth.get()).isEqualTo("Bearer tok-123");
                assertThat(s.lastError()).isNull();
                assertThat(s.found()).hasSize(1);
                VllmDiscovery.Found f = s.found().get(0);
                assertThat(f.origin()).isEqualTo("pod");
                assertThat(f.namespace()).isEqualTo("serving");
                assertThat(f.pod()).isEqualTo("llama-0");
                assertThat(f.target()).isEqualTo("llama-0:" + sim.port());
                assertThat(rec.started).containsExactly("inference-llama-0:" + sim.port());
            }
        } finally {
            api.stop(0);
            other.stop(0);
            sim.close();
        }
    }

    @Test
    void dialsWhatTheKernelPrints() {
        assertThat(ListeningSockets.dialHost("00000000", false)).isEqualTo("127.0.0.1");
        assertThat(ListeningSockets.dialHost("0100007F", false)).isEqualTo("127.0.0.1");
        assertThat(ListeningSockets.dialHost("0F02000A", false)).isEqualTo("10.0.2.15");
        assertThat(ListeningSockets.dialHost("00000000000000000000000000000000", true))
                .isEqualTo("[::1]");
        assertThat(ListeningSockets.dialHost("0000000000000000FFFF00000F02000A", true))
                .isEqualTo("10.0.2.15");
        assertThat(MetricsProbe.hasVllmFamily("# HELP x y\n# TYPE vllm:num_requests_running gauge\n"))
                .isTrue();
        assertThat(MetricsProbe.hasVllmFamily("# HELP aiwatch_x mentions vllm:foo\naiwatch_x 1\n"))
                .isFalse();
    }
}
