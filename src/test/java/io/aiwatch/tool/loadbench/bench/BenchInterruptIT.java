package io.aiwatch.tool.loadbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aiwatch.tool.loadbench.tier.Cleanup;
import io.aiwatch.tool.loadbench.tier.Commands;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import io.aiwatch.tool.loadbench.tier.Tiers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The real thing, as root: {@code aiwatch bench load --tiers xfs} makes an image, a loop device,
 * an XFS and a mount inside its directory; SIGTERM arrives while it writes the model file; the
 * shutdown hook must leave no mount, no loop device and no file behind. Needs root (mount, losetup)
 * and xfsprogs; skipped when not root, fails when root cannot mount.
 */
class BenchInterruptIT {
    @Test
    void sigtermDuringARunLeavesNoMountLoopDeviceOrFile() throws Exception {
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root for mount and losetup");
        Path dir = Files.createDirectories(Path.of("target", "loadbench-scratch", "it-" + System.nanoTime()))
                .toRealPath();
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        System.getProperty("aiwatch.jar"),
                        "bench",
                        "load",
                        "--dir",
                        dir.toString(),
                        "--size",
                        "1g",
                        "--tiers",
                        "xfs",
                        "--no-fio",
                        "--random",
                        "none",
                        "--iterations",
                        "50")
                .redirectErrorStream(true)
                .start();
        Tiers tiers = new Tiers(new SafeTarget(dir), Commands.system(), new Cleanup());
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("tier xfs (")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("xfs tier never came up:\n%s", seen).isNotNull();
            List<String> during = tiers.leftovers(Path.of("/sys"));
            assertThat(during).as("mount and loop device while running").hasSize(2);
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(tiers.leftovers(Path.of("/sys"))).isEmpty();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("files left in %s", dir).isEmpty();
        }
        Files.delete(dir);
    }
}
