package io.aiwatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonCommandLineTest {

    private record Result(int code, String err) {}

    private static Result run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int code = Main.run(args);
            return new Result(code, err.toString());
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void unknownConfigKeyStopsStartUpNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(
                dir.resolve("aiwatch.yaml"), "listen: 127.0.0.1:0\ngpu:\n  simulate: 1\n  colectors_file: x.csv\n");
        Result r = run("daemon", "--config", cfg.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err())
                .contains("aiwatch: configuration error: " + cfg + ":4: unknown key 'colectors_file' in gpu");
    }

    @Test
    void invalidCountersCsvStopsStartUpNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(
                dir.resolve("c.csv"), "DCGM_FI_DEV_GPU_TEMP, gauge, t\nDCGM_FI_DEV_SM_CLOCK, guage, c\n");
        Result r = run("daemon", "--listen", "127.0.0.1:0", "--simulate-gpus", "1", "-f", csv.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(csv + ":2: type 'guage' of DCGM_FI_DEV_SM_CLOCK");
    }

    @Test
    void brokenWebConfigStopsStartUp(@TempDir Path dir) throws Exception {
        Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  u: notahash\n");
        Result r =
                run("daemon", "--listen", "127.0.0.1:0", "--simulate-gpus", "1", "--web.config.file", web.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("aiwatch: configuration error: ").contains(web.toString());
    }

    @Test
    void missingConfigFileIsNamed() {
        Result r = run("daemon", "--config", "/nonexistent/aiwatch.yaml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("/nonexistent/aiwatch.yaml: no such configuration file");
    }

    @Test
    void badListenFlagIsRefused() {
        Result r = run("daemon", "--listen", "nowhere");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("command line: listen address 'nowhere' needs a port");
    }
}
