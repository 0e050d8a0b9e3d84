package io.aiwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar aiwatch.jar <command> ...}. Only dispatches to sub-commands. */
@Command(
        name = "aiwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "GPU, inference and storage telemetry for LLM inference servers.",
        subcommands = {
            DaemonCommand.class,
            LoadgenCommand.class,
            SimulateCommand.class,
            ProxyCommand.class,
            ExperimentCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        if (DcgmExporterFlags.startsWithFlag(args) || (args.length > 0 && args[0].equals("daemon"))) {
            JvmDefaults.applyToDaemon(); // returns only when no re-execution is needed or possible
        }
        System.exit(run(args));
    }

    /**
     * Runs a command line and returns its exit code; tests call this instead of {@link #main}. A
     * command line that starts with a daemon flag and names no command runs the daemon, as
     * dcgm-exporter's Helm chart and the GPU Operator invoke it ({@code -f /etc/…csv}).
     */
    public static int run(String... args) {
        String[] effective = args;
        if (DcgmExporterFlags.startsWithFlag(args)) {
            effective = prepend("daemon", DcgmExporterFlags.normalize(args));
        } else if (args.length > 0 && args[0].equals("daemon")) {
            effective = DcgmExporterFlags.normalize(args);
        }
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(effective);
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
