package io.aiwatch.source.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks the JNA struct layout against what coreutils' {@code stat -f} (statvfs/statfs in C) reads. */
class StatvfsTest {

    @Test
    void structHasTheGlibcLp64Size() {
        Statvfs.Struct s = new Statvfs.Struct();
        assertThat(s.size()).isEqualTo(112);
        assertThat(s.offsetOf("f_blocks")).isEqualTo(16);
        assertThat(s.offsetOf("f_files")).isEqualTo(40);
        assertThat(s.offsetOf("f_namemax")).isEqualTo(80);
    }

    @Test
    void agreesWithCoreutilsStatOnTheRootFilesystem() throws Exception {
        // %S fundamental block size (f_frsize), %b total blocks, %c total inodes: stable between the two calls.
        String[] c = run("stat", "-f", "-c", "%S %b %c", "/").strip().split(" ");
        FsStat s = new Statvfs().stat("/");
        assertThat(s.fragmentSize()).isEqualTo(Long.parseLong(c[0]));
        assertThat(s.blocks()).isEqualTo(Long.parseLong(c[1]));
        assertThat(s.files()).isEqualTo(Long.parseLong(c[2]));
        assertThat(s.blocksFree()).isBetween(s.blocksAvail(), s.blocks());
    }

    @Test
    void failsWithErrnoForAMissingPath() {
        assertThatThrownBy(() -> new Statvfs().stat("/no/such/mount/point"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("errno 2");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
