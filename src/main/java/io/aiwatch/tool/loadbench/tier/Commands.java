package io.aiwatch.tool.loadbench.tier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs the system tools tier setup needs ({@code losetup}, {@code mkfs.xfs}, {@code mount},
 * {@code zpool}). An interface so that tests can check what would run, and in which order things
 * are undone, without root.
 */
@FunctionalInterface
public interface Commands {
    /** Exit status and combined stdout/stderr. */
    record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    Result run(List<String> command) throws IOException, InterruptedException;

    /** Runs {@code command}; throws with its output when it exits non-zero. */
    default String check(List<String> command) throws IOException, InterruptedException {
        Result r = run(command);
        if (!r.ok()) {
            throw new IOException(String.join(" ", command) + " exited with " + r.exit() + ": "
                    + r.output().strip());
        }
        return r.output();
    }

    /** The real system: each command as a child process, stdout and stderr together. */
    static Commands system() {
        return command -> {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                return new Result(127, command.get(0) + ": not found (" + e.getMessage() + ")");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        };
    }
}
