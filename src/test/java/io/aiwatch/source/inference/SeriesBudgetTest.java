package io.aiwatch.source.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.collect.Labels;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.inference.FixtureServer.TestClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingestion never endangers the daemon: series budgets (issue #17 item 2). */
class SeriesBudgetTest {
    @TempDir
    Path dir;

    /** {@code series} distinct series of one gauge family, ~55 bytes a line (250k: ~14 MB, under the body limit). */
    static byte[] exposition(int series) {
        StringBuilder sb = new StringBuilder(series * 56 + 100);
        sb.append("# HELP vllm:num_requests_running running\n# TYPE vllm:num_requests_running gauge\n");
        for (int i = 0; i < series; i++) {
            sb.append("vllm:num_requests_running{model_name=\"m\",i=\"")
                    .append(String.format("%07d", i))
                    .append("\"} 1\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parserStopsStoringAtTheBudgetButChecksEveryLine() throws Exception {
        PromTextParser p = new PromTextParser(PromTextParser.Format.TEXT_0_0_4, 100);
        List<PromFamily> parsed = p.parse(new String(exposition(1000), StandardCharsets.UTF_8));
        assertThat(parsed.stream().mapToInt(f -> f.samples().size()).sum() + parsed.size())
                .isEqualTo(100);
        assertThat(p.dropped()).isEqualTo(1000 - 99);
        assertThat(p.parse("a 1\n")).hasSize(1);
        assertThat(p.dropped()).isZero();
        String badAfterBudget = new String(exposition(200), StandardCharsets.UTF_8) + "bad{ 1\n";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.parse(badAfterBudget))
                .isInstanceOf(ParseException.class);
    }

    @Test
    void aTargetOverItsBudgetIsDownWithDroppedSeriesCountedAndKeepsItsLastGoodValues() throws Exception {
        try (FixtureServer server = new FixtureServer()) {
            TestClock clock = new TestClock();
            VllmCollector c = new VllmCollector(InferenceConfig.Target.of(server.url(), "big", "5s", "5s"), clock, 500);
            server.body.set(PromTextParserTest.resource("exposition_synthetic_v1.txt"));
            assertThat(c.collect().detail(VllmCollector.STATUS).up()).isTrue();
            server.body.set(new String(exposition(1000), StandardCharsets.UTF_8));
            Snapshot s = c.collect();
            assertThat(s.detail(VllmCollector.STATUS).up()).isFalse();
            assertThat(s.detail(VllmCollector.STATUS).lastError()).startsWith("series_limit");
            Labels target = Labels.of("target", "big");
            assertThat(VllmCollectorTest.value(s, "aiwatch_inference_series_dropped_total", target))
                    .isEqualTo(1000 + 1 - 500);
            assertThat(VllmCollectorTest.value(
                            s, "aiwatch_inference_scrape_errors_total", target.and("reason", "series_limit")))
                    .isEqualTo(1);
            assertThat(VllmCollectorTest.value(s, "aiwatch_inference_target_stale", target))
                    .isEqualTo(1);
            assertThat(VllmCollectorTest.family(s, "aiwatch_inference_prompt_tokens_total"))
                    .isPresent();
        }
    }

    @Test
    void budgetsShareTheTotalAmongTargets() {
        assertThat(InferenceCollectors.seriesPerTarget(1)).isEqualTo(InferenceCollectors.MAX_SERIES_PER_TARGET);
        assertThat(InferenceCollectors.seriesPerTarget(10) * 10)
                .isLessThanOrEqualTo(InferenceCollectors.MAX_SERIES_TOTAL);
    }

    /** A 250k-series target (~14 MB), scraped twice in a child JVM with the launcher's -Xmx96m. */
    @Test
    void hugeTargetsDoNotExhaustTheLaunchersHeap() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] huge = exposition(250_000);
        byte[] large = exposition(100_000);
        assertThat(huge.length).isBetween(12_000_000, VllmScraper.MAX_BODY_BYTES);
        for (var e : java.util.Map.of("/huge", huge, "/large", large).entrySet()) {
            server.createContext(e.getKey(), exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                exchange.sendResponseHeaders(200, e.getValue().length);
                exchange.getResponseBody().write(e.getValue());
                exchange.close();
            });
        }
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            String one = child(2, base + "/huge");
            assertThat(one).contains("target=t1 up=false dropped=" + (2 * (250_001 - 20_000)));
        } finally {
            server.stop(0);
        }
    }

    /**
     * Three 100k-series targets scraped at once, twice, with -Xmx96m. Reproduced OutOfMemoryError on
     * 2026-12-08 even with the series budget and the parse lock (the three 5.5 MB bodies, their
     * decoded strings and the HttpClient buffers still add up): not fixed yet, see issue #17 item 2.
     */
    @org.junit.jupiter.api.Disabled(
            "issue #17: OOM with three concurrent 100k-series targets under -Xmx96m, not fixed yet")
    @Test
    void threeLargeTargetsAtOnceDoNotExhaustTheLaunchersHeap() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] large = exposition(100_000);
        server.createContext("/large", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, large.length);
            exchange.getResponseBody().write(large);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            String three = child(2, base + "/large?a", base + "/large?b", base + "/large?c");
            assertThat(three.lines().filter(l -> l.contains("up=false dropped=") && l.contains("series_limit")))
                    .hasSize(3);
        } finally {
            server.stop(0);
        }
    }

    private String child(int rounds, String... urls) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                SeriesBudgetHeapMain.class.getName(),
                Integer.toString(rounds)));
        cmd.addAll(List.of(urls));
        Path out = dir.resolve("child-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(out);
        assertThat(p.exitValue()).as("child JVM (-Xmx96m) output:\n%s", log).isZero();
        return log;
    }
}
