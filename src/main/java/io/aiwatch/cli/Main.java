package io.aiwatch.cli;

import io.aiwatch.daemon.Version;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point: {@code java -jar aiwatch.jar <command> ...}. Only dispatches to sub-commands.
 *
 * <p>The node agent's jar leaves out the load generator, the experiment runner and the benchmarks
 * (and their DJL, JCuda and HdrHistogram libraries): their commands are named here by class name
 * and added only where their classes are on the class path.
 */
@Command(
        name = "aiwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "GPU, inference and storage telemetry for LLM inference servers.")
public final class Main implements Runnable {
    /** Every command in help order: a {@link Class}, or the class name of a toolkit-only command. */
    private static final List<Object> COMMANDS = List.of(
            DaemonCommand.class,
            "loadgen=io.aiwatch.cli.LoadgenCommand",
            SimulateCommand.class,
            ProxyCommand.class,
            "experiment=io.aiwatch.cli.ExperimentCommand",
            "bench=io.aiwatch.cli.BenchCommand",
            CommandLine.HelpCommand.class);

    @Spec
    private CommandSpec spec;

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
        LogSetup.install();
        String[] effective = args;
        if (DcgmExporterFlags.startsWithFlag(args)) {
            effective = prepend("daemon", DcgmExporterFlags.normalize(args));
        } else if (args.length > 0 && args[0].equals("daemon")) {
            effective = DcgmExporterFlags.normalize(args);
        }
        CommandLine cli = new CommandLine(new Main());
        for (Object command : COMMANDS) {
            if (command instanceof Class<?> type) {
                cli.addSubcommand(new CommandLine(type));
                continue;
            }
            String[] nameAndClass = ((String) command).split("=", 2);
            Class<?> type = toolkitClass(nameAndClass[1]);
            if (type != null) {
                cli.addSubcommand(new CommandLine(type));
            } else if (effective.length > 0 && effective[0].equals(nameAndClass[0])) {
                System.err.println("aiwatch: '" + nameAndClass[0] + "' is not in the node agent's jar; it is part "
                        + "of the toolkit jar, aiwatch-tools-" + Version.get() + ".jar");
                return 2;
            }
        }
        return cli.setCaseInsensitiveEnumValuesAllowed(true).execute(effective);
    }

    private static Class<?> toolkitClass(String name) {
        try {
            return Class.forName(name, false, Main.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
