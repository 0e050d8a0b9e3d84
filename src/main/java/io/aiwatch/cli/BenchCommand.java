package io.aiwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code aiwatch bench ...}: hardware benchmarks, each checked against a reference (PyTorch, fio). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Hardware benchmarks with checked results.",
        subcommands = {BenchGpuCommand.class, BenchLoadCommand.class, BenchP2pCommand.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
