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
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
