package io.aiwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.aiwatch.collect.Collector;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.reader.exposition.ExpositionRenderer;
import io.aiwatch.source.inference.InferenceCollectors;
import io.aiwatch.source.inference.InferenceConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several inference targets in one {@code /metrics}: each {@code aiwatch_inference_*} family must
 * appear once (one HELP/TYPE, samples of every target under it) or Prometheus rejects the whole
 * scrape ("second HELP line for metric name"). Real {@code VllmCollector}s scrape real HTTP
 * targets serving a vLLM exposition; the rendered text goes through {@code promtool check metrics}.
 */
class InferenceTargetsPromtoolIT {
    private static final Pattern HELP = Pattern.compile("(?m)^# HELP (\\S+) ");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} targets")
    @ValueSource(ints = {1, 2, 10})
    void severalTargetsGiveOneFamilyEachAndPromtoolAcceptsIt(int targets) throws Exception {
        Path promtool = ExternalProgram.require("/usr/bin/promtool", "prometheus");
        String vllm;
        try (InputStream in = getClass().getResourceAsStream("/inference/exposition_synthetic_v1.txt")) {
            vllm = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", ex -> {
            byte[] b = vllm.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
            List<InferenceConfig.Target> list = new ArrayList<>();
            for (int i = 0; i < targets; i++) {
                list.add(InferenceConfig.Target.of(url + "/" + i, "vllm-" + i, "5s", "2s"));
            }
            SnapshotStore store = new SnapshotStore(Clock.systemUTC());
            for (Collector c : InferenceCollectors.create(new InferenceConfig(list), Clock.systemUTC())) {
                store.register(c.name(), Duration.ofSeconds(5), Duration.ofSeconds(60));
                store.publish(c.name(), c.collect(), store.now(), 0, 0);
                c.close();
            }
            String text = new String(new ExpositionRenderer(store).render(), StandardCharsets.UTF_8);

            List<String> helped = new ArrayList<>();
            Matcher m = HELP.matcher(text);
            while (m.find()) {
                helped.add(m.group(1));
            }
            assertThat(helped).as("families with a HELP line").doesNotHaveDuplicates();
            assertThat(helped).contains("aiwatch_inference_time_to_first_token_seconds", "aiwatch_inference_target_up");
            for (int i = 0; i < targets; i++) {
                assertThat(text).contains("aiwatch_inference_target_up{target=\"vllm-" + i + "\"} 1\n");
            }

            Path file = dir.resolve("metrics-" + targets + ".txt");
            Files.writeString(file, text);
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                    .redirectInput(file.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("promtool check metrics").isBlank();
            assertThat(p.exitValue()).as("promtool exit; output:\n%s", out).isZero();
        } finally {
            server.stop(0);
        }
    }
}
