package io.aiwatch.source.gpu.nvml;

import io.aiwatch.source.gpu.GpuDeviceInfo;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads every field from the real NVML and prints the field table as TSV on stdout
 * ({@code gpu, field, value_or_error, nvml_call}); device info and, with {@code --check}, the
 * plausibility checks go to stderr. Needs only the JRE and the shaded jar:
 *
 * <pre>java -cp aiwatch.jar io.aiwatch.source.gpu.nvml.NvmlProbe [--check] [--library PATH] [--out FILE]</pre>
 *
 * Exit status: 0 ok, 1 a check failed, 2 NVML unavailable or bad arguments.
 */
public final class NvmlProbe {
    private NvmlProbe() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Optional<Path> library = Optional.empty();
        Optional<Path> file = Optional.empty();
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--check" -> check = true;
                case "--library" -> library = Optional.of(Path.of(value(args, ++i)));
                case "--out" -> file = Optional.of(Path.of(value(args, ++i)));
                default -> {
                    err.println("usage: NvmlProbe [--check] [--library PATH] [--out FILE]");
                    return 2;
                }
            }
        }
        try (NvmlBackend backend = NvmlLoader.load(library)) {
            err.println("# driver " + backend.driverVersion() + ", NVML " + backend.nvmlVersion());
            for (GpuDeviceInfo d : backend.devices()) {
                err.println("# " + d);
            }
            PlausibilityCheck.Outcome outcome = PlausibilityCheck.run(backend);
            String tsv = FieldReport.tsv(outcome.report());
            out.print(tsv);
            if (file.isPresent()) {
                Files.writeString(file.get(), tsv);
            }
            if (check) {
                outcome.lines().forEach(err::println);
                err.println(outcome.passed() ? "# all checks passed" : "# CHECKS FAILED");
                return outcome.passed() ? 0 : 1;
            }
            return 0;
        } catch (NvmlUnavailableException e) {
            err.println("NVML unavailable (" + e.reason() + "): " + e.getMessage());
            return 2;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
