package io.aiwatch.reader.http;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.source.gpu.GpuConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With basic auth on, Kubernetes probes (no credentials) still reach the paths left open by configuration. */
class ProbePathsTest {

    @Test
    void probePathsAnswerWithoutCredentialsWhileMetricsNeedThem(@TempDir Path dir) throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, "secret".toCharArray());
        Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  prometheus: '" + hash + "'\n");
        DaemonConfig cfg = DaemonConfig.defaults()
                .withListen("127.0.0.1:0")
                .withGpu(GpuConfig.defaults().withSimulate(1));
        cfg = cfg.withHttp(
                cfg.http().withWebConfigFile(web.toString()).withUnauthenticatedPaths(List.of("/health", "/ready")));
        HttpClient http = HttpClient.newHttpClient();
        try (Daemon d = Daemon.start(cfg, Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + d.port();
            assertThat(status(http, base + "/health")).isEqualTo(200);
            assertThat(status(http, base + "/ready?scope=serving")).isIn(200, 503);
            assertThat(status(http, base + "/metrics")).isEqualTo(401);
            assertThat(status(http, base + "/")).isEqualTo(401);
            assertThat(status(http, base + "/healthz")).as("exact paths only").isEqualTo(401);
        }
    }

    private static int status(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
