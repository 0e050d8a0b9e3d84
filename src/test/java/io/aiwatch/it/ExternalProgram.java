package io.aiwatch.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real program an integration test runs against (Prometheus, promtool, the daemon's jar).
 * Missing programs fail the test with what to install: integration tests never pass by skipping.
 */
public final class ExternalProgram implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ExternalProgram(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The path of an installed program, or an AssertionError naming the Debian package. */
    public static Path require(String path, String debianPackage) {
        Path p = Path.of(path);
        if (!Files.isExecutable(p)) {
            throw new AssertionError(path + " is missing: install the Debian package '" + debianPackage
                    + "' (packaging/scripts/install-test-deps.sh does it)");
        }
        return p;
    }

    /** Starts {@code command} with output to a log file in {@code dir}. */
    public static ExternalProgram start(Path dir, String name, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ExternalProgram(p, log);
    }

    /** The daemon jar built by {@code package}. */
    public static Path aiwatchJar() {
        Path jar = Path.of(System.getProperty("aiwatch.jar", "target/aiwatch.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: run ./mvnw package first");
        }
        return jar;
    }

    /** Command line running the daemon jar with the current JVM. */
    public static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(aiwatchJar().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
