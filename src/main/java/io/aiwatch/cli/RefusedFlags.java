package io.aiwatch.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flags, dataset names and backends of {@code vllm bench serve} that {@code aiwatch loadgen}
 * does not implement, each with the reason. A vLLM command line that uses one stops with that
 * reason instead of silently running a different benchmark. docs/LOADGEN.md lists them.
 */
final class RefusedFlags {
    private static final String MULTIMODAL = "multimodal datasets are not supported (aiwatch sends text prompts only)";
    private static final String HUB =
            "Hugging Face datasets are downloaded from the Hub; aiwatch reads local files only (export the"
                    + " prompts to JSONL and use --dataset-name custom)";
    private static final String TIMED_TRACE =
            "the timed_trace dataset and trace-timed sending are not implemented in aiwatch loadgen";

    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("--enable-multimodal-chat", MULTIMODAL);
        FLAGS.put(
                "--probe-request-rate",
                "probe requests beside the workload are not implemented in aiwatch loadgen (measure them with a"
                        + " second loadgen at a low --request-rate)");
        FLAGS.put("--self-timed", TIMED_TRACE);
        FLAGS.put("--no-self-timed", TIMED_TRACE);
        FLAGS.put(
                "--chat-template-kwargs",
                "aiwatch applies no chat template on the client (no Jinja engine); send chat requests with"
                        + " --backend openai-chat and pass template kwargs with --extra-body instead");
        FLAGS.put(
                "--plot-dataset-stats",
                "PNG plots need matplotlib; use --html-report (or --plot-timeline) for aiwatch's HTML report");
        FLAGS.put("--custom-ensure-client-side-data", MULTIMODAL);
        for (String f : List.of(
                "--timed-trace-chunk-hash-size",
                "--timed-trace-sec-multiplier",
                "--timed-trace-label-timestamp",
                "--timed-trace-label-input-length",
                "--timed-trace-label-output-length",
                "--timed-trace-label-hash-ids")) {
            FLAGS.put(f, TIMED_TRACE);
        }
        FLAGS.put("--blazedit-min-distance", HUB);
        FLAGS.put("--blazedit-max-distance", HUB);
        FLAGS.put("--asr-max-audio-len-sec", "audio (ASR) benchmarks are not supported: " + MULTIMODAL);
        FLAGS.put("--asr-min-audio-len-sec", "audio (ASR) benchmarks are not supported: " + MULTIMODAL);
        for (String f : List.of(
                "--random-mm-base-items-per-request",
                "--random-mm-num-mm-items-range-ratio",
                "--random-mm-limit-mm-per-prompt",
                "--random-mm-bucket-config")) {
            FLAGS.put(f, MULTIMODAL);
        }
        for (String f : List.of("--hf-subset", "--hf-split", "--hf-name", "--hf-output-len", "--bfcl-categories")) {
            FLAGS.put(f, HUB);
        }
        for (String f : List.of("--speed-bench-dataset-subset", "--speed-bench-output-len", "--speed-bench-category")) {
            FLAGS.put(f, "the speed_bench dataset is not implemented in aiwatch loadgen");
        }
    }

    /** vLLM's dataset names aiwatch does not build, with the reason. */
    static final Map<String, String> DATASETS = Map.of(
            "random-mm", MULTIMODAL,
            "random-rerank", "reranking benchmarks are not supported (aiwatch benchmarks text generation)",
            "hf", HUB,
            "custom_audio", MULTIMODAL,
            "custom_image", MULTIMODAL,
            "custom_mm", MULTIMODAL,
            "speed_bench", "the speed_bench dataset is not implemented in aiwatch loadgen",
            "timed_trace", TIMED_TRACE);

    /** vLLM's backends aiwatch does not drive, with the reason. */
    static final Map<String, String> BACKENDS;

    static {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("openai-audio", "audio (ASR) benchmarks are not supported: " + MULTIMODAL);
        for (String e : List.of(
                "openai-embeddings",
                "openai-embeddings-chat",
                "openai-embeddings-clip",
                "openai-embeddings-vlm2vec",
                "infinity-embeddings",
                "infinity-embeddings-clip",
                "vllm-pooling",
                "vllm-rerank")) {
            b.put(
                    e,
                    "pooling, embedding and reranking benchmarks are not supported (aiwatch benchmarks text"
                            + " generation: openai, vllm, openai-chat)");
        }
        BACKENDS = b;
    }

    private RefusedFlags() {}

    /** The message for the first refused or unknown argument of {@code unmatched}, or null when there is none. */
    static String check(List<String> unmatched) {
        if (unmatched == null) {
            return null;
        }
        for (String arg : unmatched) {
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String reason = FLAGS.get(name);
            if (reason != null) {
                return name + " is not supported: " + reason;
            }
        }
        for (String arg : unmatched) {
            if (arg.startsWith("-")) {
                return "unknown option '" + arg + "' (aiwatch loadgen --help lists every option)";
            }
        }
        return unmatched.isEmpty() ? null : "unexpected argument '" + unmatched.get(0) + "'";
    }
}
