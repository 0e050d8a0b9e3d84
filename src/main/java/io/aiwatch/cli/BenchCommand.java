package io.aiwatch.cli;

import picocli.CommandLine.Command;

/** {@code aiwatch bench ...}: benchmarks of the node's hardware paths (storage now). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmark the node: model loading from storage (checked against fio).",
        subcommands = {BenchLoadCommand.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
