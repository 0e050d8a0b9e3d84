package io.aiwatch.cli;

import io.aiwatch.tool.vllmsim.SimulatorConfig;
import io.aiwatch.tool.vllmsim.VllmSimulator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code aiwatch simulate vllm ...}: simulated inference servers for demos, tests and benchmarks. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Run a simulated inference server.",
        subcommands = {SimulateCommand.Vllm.class})
public final class SimulateCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** A vLLM-compatible server with a continuous-batching latency model. */
    @Command(
            name = "vllm",
            mixinStandardHelpOptions = true,
            description =
                    "OpenAI-compatible server (completions, chat, streaming) with vLLM's /metrics and a batching/KV-cache latency model.")
    public static final class Vllm implements Callable<Integer> {
        private static final SimulatorConfig D = SimulatorConfig.defaults();

        @Option(names = "--host", description = "Listen address (default: ${DEFAULT-VALUE}).")
        String host = D.host();

        @Option(names = "--port", description = "Listen port, 0 = any free (default: ${DEFAULT-VALUE}).")
        int port = D.port();

        @Option(names = "--model", description = "Served model name (default: ${DEFAULT-VALUE}).")
        String model = D.model();

        @Option(names = "--max-num-seqs", description = "Most sequences in one batch (default: ${DEFAULT-VALUE}).")
        int maxNumSeqs = D.maxNumSeqs();

        @Option(
                names = "--max-num-batched-tokens",
                description = "Token budget of one engine step (default: ${DEFAULT-VALUE}).")
        int maxNumBatchedTokens = D.maxNumBatchedTokens();

        @Option(names = "--kv-capacity-tokens", description = "KV-cache size in tokens (default: ${DEFAULT-VALUE}).")
        int kvCapacityTokens = D.kvCapacityTokens();

        @Option(names = "--block-size", description = "KV block size in tokens (default: ${DEFAULT-VALUE}).")
        int blockSize = D.blockSize();

        @Option(names = "--max-model-len", description = "Longest prompt + output, tokens (default: ${DEFAULT-VALUE}).")
        int maxModelLen = D.maxModelLen();

        @Option(names = "--prefill-tokens-per-second", description = "Prefill throughput (default: ${DEFAULT-VALUE}).")
        double prefill = D.prefillTokensPerSecond();

        @Option(
                names = "--decode-step-base-ms",
                description = "Fixed cost of an engine step, ms (default: ${DEFAULT-VALUE}).")
        double baseMs = D.decodeStepBaseMs();

        @Option(
                names = "--decode-step-per-seq-ms",
                description = "Step cost per decoding sequence, ms (default: ${DEFAULT-VALUE}).")
        double perSeqMs = D.decodeStepPerSeqMs();

        @Option(
                names = "--default-min-tokens",
                description = "Fewest output tokens without max_tokens (default: ${DEFAULT-VALUE}).")
        int minTokens = D.defaultMinTokens();

        @Option(
                names = "--default-max-tokens",
                description = "Most output tokens without max_tokens (default: ${DEFAULT-VALUE}).")
        int maxTokens = D.defaultMaxTokens();

        @Option(
                names = "--speed",
                description = "Wall-clock speed-up; 100 runs 100x faster than real time (default: ${DEFAULT-VALUE}).")
        double speed = D.speed();

        @Option(names = "--seed", description = "Seed of output lengths and text (default: ${DEFAULT-VALUE}).")
        long seed = D.seed();

        @Option(
                names = "--http-threads",
                description = "Most HTTP threads, one per open stream (default: ${DEFAULT-VALUE}).")
        int httpThreads = D.httpThreads();

        @Option(
                names = "--enable-prefix-caching",
                negatable = true,
                defaultValue = "true",
                fallbackValue = "true",
                description = "Automatic prefix caching, as vLLM (default: ${DEFAULT-VALUE}).")
        boolean prefixCaching = true;

        @Option(
                names = "--num-speculative-tokens",
                description =
                        "Draft tokens verified per decoding request and step; 0 = off (default: ${DEFAULT-VALUE}).")
        int speculativeTokens = D.numSpeculativeTokens();

        @Option(
                names = "--spec-acceptance-rate",
                description =
                        "Probability that a draft token is accepted given the ones before it (default: ${DEFAULT-VALUE}).")
        double acceptance = D.specAcceptanceRate();

        @Option(
                names = "--spec-draft-ms",
                description = "Cost of one draft position per step, ms (default: ${DEFAULT-VALUE}).")
        double draftMs = D.specDraftMs();

        /** The configuration these options describe. */
        SimulatorConfig config() {
            return new SimulatorConfig(
                    model,
                    host,
                    port,
                    maxNumSeqs,
                    maxNumBatchedTokens,
                    kvCapacityTokens,
                    blockSize,
                    maxModelLen,
                    prefill,
                    baseMs,
                    perSeqMs,
                    minTokens,
                    maxTokens,
                    speed,
                    seed,
                    httpThreads,
                    speculativeTokens,
                    acceptance,
                    draftMs,
                    prefixCaching);
        }

        @Override
        public Integer call() throws InterruptedException {
            SimulatorConfig c;
            try {
                c = config();
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            VllmSimulator sim = VllmSimulator.start(c);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                sim.close();
                stop.countDown();
            }));
            System.out.printf(
                    "simulated vLLM serving model %s on http://%s:%d (speed %sx, seed %d)%n",
                    c.model(), c.host(), sim.port(), c.speed(), c.seed());
            stop.await();
            return 0;
        }
    }
}
