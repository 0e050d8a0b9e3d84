package io.aiwatch.cli;

import io.aiwatch.tool.experiment.Plugins;
import io.aiwatch.tool.experiment.SpecException;
import io.aiwatch.tool.experiment.analysis.Compare;
import io.aiwatch.tool.experiment.analysis.Reports;
import io.aiwatch.tool.experiment.analysis.Results;
import io.aiwatch.tool.experiment.run.ExperimentRunner;
import io.aiwatch.tool.experiment.run.HostProbe;
import io.aiwatch.tool.experiment.spec.LoadedSpec;
import io.aiwatch.tool.experiment.spec.SpecLoader;
import io.aiwatch.tool.experiment.spec.Step;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aiwatch experiment run|check|report|compare|kinds}: experiments from a spec, with statistics and a report. */
@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = "Run experiments from a YAML spec: iterations, conditions, raw data, statistics, reports.",
        subcommands = {
            ExperimentCommand.Run.class,
            ExperimentCommand.Check.class,
            ExperimentCommand.Report.class,
            ExperimentCommand.CompareRuns.class,
            ExperimentCommand.Kinds.class
        })
public final class ExperimentCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Runs (or resumes) an experiment and writes its report. */
    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Run a spec; Ctrl-C keeps what ran (--resume continues).")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SPEC", description = "The experiment spec (YAML).")
        Path spec;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "Run directory (default: experiments/results/<id>-<UTC time>).")
        Path out;

        @Option(names = "--quick", description = "Shortened run for CI (the spec's quick: section).")
        boolean quick;

        @Option(
                names = "--resume",
                description = "Continue the incomplete run in --out from its last finished iteration.")
        boolean resume;

        @Override
        public Integer call() throws Exception {
            quietServers();
            PrintStream o = System.out;
            LoadedSpec loaded;
            try {
                loaded = new SpecLoader(Plugins.discover()).load(spec, quick);
            } catch (SpecException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            if (resume && out == null) {
                System.err.println("--resume needs --out DIR (the run to continue)");
                return 2;
            }
            Path dir = out != null
                    ? out
                    : Path.of(
                            "experiments",
                            "results",
                            loaded.spec().id().toLowerCase() + "-"
                                    + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                                            .withZone(ZoneOffset.UTC)
                                            .format(Instant.now()));
            ExperimentRunner runner =
                    new ExperimentRunner(loaded, dir, resume, new ExperimentDaemons(), o, HostProbe.system());
            CountDownLatch reported = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                System.err.println("interrupted: stopping the current iteration, keeping what ran");
                runner.interrupt();
                try {
                    reported.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                ExperimentRunner.Outcome outcome;
                try {
                    outcome = runner.run();
                } catch (SpecException e) {
                    System.err.println(e.getMessage());
                    return 2;
                }
                Results r = Reports.write(dir);
                o.println("run " + outcome.state() + ": " + outcome.ok() + " iterations ok, " + outcome.failed()
                        + " failed, " + outcome.pending() + " not finished"
                        + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")"));
                o.println("report: " + dir.resolve(Reports.HTML) + " and " + dir.resolve(Reports.MARKDOWN) + "; "
                        + r.failures().size() + " failures and negative results listed");
                return outcome.state().equals("complete") ? 0 : 3;
            } finally {
                reported.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already: the hook is running
                }
            }
        }
    }

    /** Held so that the level set on it stays (the logging framework keeps loggers only weakly). */
    private static final java.util.logging.Logger AIWATCH_LOG = java.util.logging.Logger.getLogger("io.aiwatch");

    /** The servers a run starts (simulator, daemon) log every start and stop; the run's own lines matter here. */
    static void quietServers() {
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        AIWATCH_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** Validates a spec and prints its plan without running anything. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a spec and print its steps.")
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SPEC", description = "The experiment spec (YAML).")
        Path spec;

        @Option(names = "--quick", description = "Show the --quick plan.")
        boolean quick;

        @Override
        public Integer call() {
            try {
                LoadedSpec s = new SpecLoader(Plugins.discover()).load(spec, quick);
                System.out.println(s.spec().id() + ": " + s.plan().steps().size() + " steps x "
                        + s.plan().iterations()
                        + " iterations = " + s.plan().sequence().size() + " iterations of "
                        + io.aiwatch.tool.experiment.SpecText.format(s.plan().duration()) + " (+ "
                        + io.aiwatch.tool.experiment.SpecText.format(s.plan().warmup()) + " warm-up)");
                for (Step st : s.plan().steps()) {
                    System.out.println("  " + st.id() + "  " + st.label());
                }
                return 0;
            } catch (SpecException e) {
                System.err.println(e.getMessage());
                return 2;
            }
        }
    }

    /** Recomputes a run's statistics and reports from its raw files. */
    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description = "Recompute results.json, report.md and report.html of a run.")
    static final class Report implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory.")
        Path dir;

        @Override
        public Integer call() throws IOException {
            Results r = Reports.write(dir);
            System.out.println("wrote " + dir.resolve(Reports.HTML) + ", " + dir.resolve(Reports.MARKDOWN) + ", "
                    + dir.resolve(Reports.RESULTS) + " (" + r.steps().size() + " steps, "
                    + r.failures().size()
                    + " failures and negative results)");
            return 0;
        }
    }

    /** Two runs side by side. */
    @Command(
            name = "compare",
            mixinStandardHelpOptions = true,
            description =
                    "Compare two runs step by step: ratios, and whether each difference exceeds the noise (Welch).")
    static final class CompareRuns implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN_A", description = "The reference run directory.")
        Path a;

        @Parameters(index = "1", paramLabel = "RUN_B", description = "The run compared with it.")
        Path b;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "Also write the comparison as Markdown (.md) or HTML (.html).")
        Path out;

        @Override
        public Integer call() throws IOException {
            Compare c = Compare.of(a, b);
            System.out.print(c.markdown());
            if (out != null) {
                String text = out.toString().endsWith(".html") ? c.html() : c.markdown();
                Files.writeString(out, text, StandardCharsets.UTF_8);
                System.out.println("wrote " + out);
            }
            return 0;
        }
    }

    /** Lists the workload and condition kinds specs can name. */
    @Command(name = "kinds", mixinStandardHelpOptions = true, description = "List the workload and condition kinds.")
    static final class Kinds implements Callable<Integer> {
        @Override
        public Integer call() {
            Plugins p = Plugins.discover();
            System.out.println("workloads:");
            p.workloads().forEach(w -> System.out.println("  " + w.kind() + "  " + w.description()));
            System.out.println("conditions:");
            p.conditions().forEach(c -> System.out.println("  " + c.kind() + "  " + c.description()));
            return 0;
        }
    }
}
