package io.aiwatch.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Builds packaging/container/Dockerfile and runs the image, wherever a container engine answers
 * (docker or podman); skipped, with the reason, where none does (CI and the build machines have none:
 * docs/KUBERNETES.md, "Container image"). Needs target/aiwatch-node.jar from {@code -Prelease package}.
 */
class ContainerImageIT {

    @Test
    void imageBuildsAndItsEntrypointRunsTheNodeAgent() {
        String engine = List.of("docker", "podman").stream()
                .filter(e -> {
                    try {
                        return Shell.run(e, "info").code() == 0;
                    } catch (AssertionError notInstalled) {
                        return false;
                    }
                })
                .findFirst()
                .orElse(null);
        assumeTrue(engine != null, "no container engine answers (docker info, podman info)");
        String tag = "aiwatch:it-" + ProcessHandle.current().pid();
        Shell.run(
                        Path.of("."),
                        Map.of(),
                        List.of(engine, "build", "-f", "packaging/container/Dockerfile", "-t", tag, "."))
                .ok();
        try {
            String out = Shell.run(Path.of("."), Map.of(), List.of(engine, "run", "--rm", tag, "--version"))
                    .ok()
                    .output();
            assertThat(out.trim()).startsWith("aiwatch ");
            String help = Shell.run(Path.of("."), Map.of(), List.of(engine, "run", "--rm", tag, "loadgen", "--help"))
                    .output();
            assertThat(help).contains("not in the node agent's jar");
        } finally {
            Shell.run(engine, "rmi", "-f", tag);
        }
    }
}
