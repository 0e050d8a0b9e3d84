package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmDefaultsTest {

    @Test
    void aPlainJavaDashJarGetsEveryDefaultAndTheArenaCap() {
        JvmDefaults.Plan plan = JvmDefaults.plan(List.of(), Map.of());
        assertThat(plan.needed()).isTrue();
        assertThat(plan.setArenas()).isTrue();
        assertThat(plan.flags())
                .containsExactly(
                        "-Xms16m",
                        "-Xmx96m",
                        "-XX:+UseSerialGC",
                        "-XX:MaxMetaspaceSize=64m",
                        "-XX:ReservedCodeCacheSize=32m",
                        "-XX:MaxDirectMemorySize=32m",
                        "-Xss512k",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void theUsersOwnChoicesAreKeptAndAnotherCollectorIsNotAdded() {
        JvmDefaults.Plan plan = JvmDefaults.plan(
                List.of("-XX:MaxRAMPercentage=10", "-XX:+UseG1GC", "-XX:ThreadStackSize=256", "-Dx=y"),
                Map.of("MALLOC_ARENA_MAX", "4"));
        assertThat(plan.setArenas()).isFalse();
        assertThat(plan.flags())
                .doesNotContain("-Xmx96m", "-XX:+UseSerialGC", "-Xss512k")
                .contains("-Xms16m", "-XX:MaxMetaspaceSize=64m");
    }

    @Test
    void aJvmWithEverythingChosenIsNotReExecuted() {
        List<String> launcher =
                JvmDefaults.DAEMON.stream().map(JvmDefaults.Flag::flag).toList();
        assertThat(JvmDefaults.plan(launcher, Map.of("MALLOC_ARENA_MAX", "2")).needed())
                .isFalse();
    }

    @Test
    void theDefaultsGoBeforeTheUsersFlagsSoTheUsersWin() {
        JvmDefaults.Plan plan = new JvmDefaults.Plan(List.of("-Xmx96m", "-XX:+UseSerialGC"), true);
        assertThat(JvmDefaults.argv(
                        List.of("/usr/bin/java", "-Xms8m", "-jar", "aiwatch.jar", "daemon", "-f", "x.csv"), plan))
                .containsExactly(
                        "/usr/bin/java",
                        "-Xmx96m",
                        "-XX:+UseSerialGC",
                        "-Daiwatch.jvm.defaults=applied",
                        "-Xms8m",
                        "-jar",
                        "aiwatch.jar",
                        "daemon",
                        "-f",
                        "x.csv");
    }

    @Test
    void theLauncherMarksItsJvmSoItIsNeverReExecuted() throws Exception {
        String launcher = java.nio.file.Files.readString(java.nio.file.Path.of("packaging/bin/aiwatch"));
        assertThat(launcher).contains("-D" + JvmDefaults.MARKER + "=launcher");
        // the launcher's daemon flags are the ones a plain java -jar gets by re-execution
        for (JvmDefaults.Flag f : JvmDefaults.DAEMON) {
            assertThat(launcher).contains(f.flag());
        }
    }
}
