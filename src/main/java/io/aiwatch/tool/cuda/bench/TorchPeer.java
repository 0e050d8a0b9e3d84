package io.aiwatch.tool.cuda.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged {@code torch_peer.py} (PyTorch doing the same operations) in a child process on
 * the same GPU and returns its JSON. The GPU must be left to it: close aiwatch's own allocations first.
 */
public final class TorchPeer {
    private TorchPeer() {}

    /**
     * @param python the interpreter that has torch (e.g. "python3")
     * @param decodeSpecs "MODEL:BATCH:CONTEXT" entries, run with {@code steps} timed graph replays
     * @param workDir where the script and its output are written
     */
    public static JsonNode run(
            String python, boolean micro, List<String> decodeSpecs, int steps, Path workDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path script = workDir.resolve("torch_peer.py");
        try (InputStream in = TorchPeer.class.getResourceAsStream("torch_peer.py")) {
            if (in == null) {
                throw new IllegalStateException("torch_peer.py missing from the jar");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = workDir.resolve("torch_peer.json");
        List<String> cmd = new ArrayList<>(List.of(
                python,
                script.toString(),
                "--out",
                out.toString(),
                "--steps",
                Integer.toString(steps),
                "--decode",
                String.join(",", decodeSpecs)));
        if (!micro) {
            cmd.add("--no-micro");
        }
        Path log = workDir.resolve("torch_peer.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("PyTorch peer did not finish in " + timeoutSeconds + " s (log: " + log + ")");
        }
        if (p.exitValue() != 0) {
            throw new IOException("PyTorch peer failed with exit code " + p.exitValue() + ": " + tail(log));
        }
        try {
            return new ObjectMapper().readTree(out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable PyTorch peer output " + out, e);
        }
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log);
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }
}
