package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.daemon.Daemon;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The process's log output as an operator reads it: one format, one line per record, no banners. */
class LogSetupTest {
    /** time=… level=… logger=… msg=… and optional fields, every value bare or quoted. */
    private static final String LOGFMT =
            "time=\\S+ level=(debug|info|warn|error) logger=\\S+ msg=(\\S+|\"([^\"\\\\]|\\\\.)*\")"
                    + "( [a-z]+=(\\S+|\"([^\"\\\\]|\\\\.)*\"))*";

    private static final Logger LOG = Logger.getLogger("io.aiwatch.test.LogSetupTest");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void restore() {
        LogSetup.install(System.err, InstantSource.system());
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aFailureIsOneLogfmtLineWithItsCauseChainAndNoStackTrace() {
        LogSetup.install(out, InstantSource.system());
        LOG.log(
                Level.WARNING,
                "OTLP export failed",
                new java.io.UncheckedIOException(new ConnectException("Connection refused")));
        assertThat(lines()).singleElement().satisfies(l -> {
            assertThat(l).matches(LOGFMT);
            assertThat(l).contains(" level=warn logger=LogSetupTest msg=\"OTLP export failed\" ");
            // The cause is already in the wrapper's message: said once.
            assertThat(l).endsWith("err=\"UncheckedIOException: java.net.ConnectException: Connection refused\"");
        });
    }

    @Test
    void jsonLinesCarryTheSameFields() throws Exception {
        var handler = new LogHandler(out, InstantSource.system(), new LogLine(true, false));
        var r = new java.util.logging.LogRecord(Level.SEVERE, "cannot listen on \"x\"\nsecond");
        r.setLoggerName("io.aiwatch.daemon.Daemon");
        r.setThrown(new IllegalStateException("boom"));
        handler.publish(r);
        assertThat(lines()).hasSize(1);
        JsonNode n = new ObjectMapper().readTree(lines().get(0));
        assertThat(n.path("level").asText()).isEqualTo("ERROR");
        assertThat(n.path("logger").asText()).isEqualTo("Daemon");
        assertThat(n.path("msg").asText()).isEqualTo("cannot listen on \"x\"\nsecond");
        assertThat(n.path("error").asText()).isEqualTo("IllegalStateException: boom");
        assertThat(n.has("stack")).isFalse();
    }

    /** A collector down for 15 minutes, failing every 9 s: three lines, the later ones with counts. */
    @Test
    void aRepeatingWarningIsWrittenOnceAWindowWithItsCount() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-08T03:00:00Z"));
        LogSetup.install(out, clock);
        for (int i = 0; i < 100; i++) {
            LOG.log(Level.WARNING, "Failed to export metrics", new ConnectException("Connection refused"));
            LOG.info("scrape " + i); // info lines are never held back
            clock.advance(Duration.ofSeconds(9));
        }
        List<String> warnings =
                lines().stream().filter(l -> l.contains("level=warn")).toList();
        assertThat(warnings).hasSize(3).allMatch(l -> l.matches(LOGFMT));
        assertThat(warnings.get(0)).doesNotContain("repeated=");
        assertThat(warnings.get(1)).contains("repeated=33 since=2026-12-08T03:00:00Z");
        assertThat(warnings.get(2)).contains("repeated=33 since=2026-12-08T03:05:06Z");
        assertThat(lines().stream().filter(l -> l.contains("level=info"))).hasSize(100);
    }

    @Test
    void portInUseIsOneErrorLineAndNoLibraryBanner() throws Exception {
        LogSetup.install(out, InstantSource.system());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = Main.run("daemon", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--simulate-gpus", "1");
            assertThat(code).isEqualTo(1);
        }
        List<String> lines = lines();
        assertThat(lines).allMatch(l -> l.matches(LOGFMT), "logfmt").noneMatch(l -> l.contains("\tat "));
        assertThat(lines.stream().filter(l -> l.contains("level=error")))
                .singleElement()
                .asString()
                .contains("logger=DaemonCommand msg=\"cannot start: ")
                .containsIgnoringCase("address already in use");
    }

    @Test
    void aStartedDaemonLogsNoJettyOrJavalinLines() throws Exception {
        LogSetup.install(out, InstantSource.system());
        DaemonConfig cfg = DaemonConfig.defaults().withListen("127.0.0.1:0");
        cfg = cfg.withGpu(cfg.gpu().withSimulate(1));
        try (Daemon d = Daemon.start(cfg, Clock.systemUTC())) {
            assertThat(d).isNotNull();
        }
        List<String> lines = lines();
        assertThat(lines).isNotEmpty().allMatch(l -> l.matches(LOGFMT), "logfmt");
        assertThat(lines)
                .anyMatch(l -> l.contains("logger=Daemon msg=\"aiwatch "))
                .noneMatch(l -> l.contains("org.eclipse.jetty") || l.contains("io.javalin"))
                .noneMatch(l -> l.contains("days old") || l.contains("jetty-"));
    }

    @Test
    void logLevelAndFormatFlagsAreChecked() {
        assertThat(Main.run("daemon", "--log.level", "loud", "--simulate-gpus", "1", "--listen", "127.0.0.1:0"))
                .isEqualTo(2);
        assertThat(Main.run("daemon", "--log.format", "xml", "--simulate-gpus", "1", "--listen", "127.0.0.1:0"))
                .isEqualTo(2);
    }
}
