package io.aiwatch.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs the daemon. (Wiring lands in the next commit.) */
@Command(name = "daemon", mixinStandardHelpOptions = true, description = "Collect metrics and serve them on :9400.")
public final class DaemonCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
