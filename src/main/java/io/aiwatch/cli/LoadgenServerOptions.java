package io.aiwatch.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** {@code aiwatch loadgen}: where the server is and how to reach it (vllm bench serve's names and defaults). */
final class LoadgenServerOptions {
    @Option(
            names = "--backend",
            defaultValue = "openai",
            description = "Request shape: openai or vllm (completions), openai-chat (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--base-url", description = "Server root URL (default: http://HOST:PORT).")
    String baseUrl;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--endpoint",
            defaultValue = "/v1/completions",
            description = "API endpoint (default: ${DEFAULT-VALUE}; /v1/chat/completions with openai-chat).")
    String endpoint;

    @Option(
            names = "--header",
            arity = "0..*",
            paramLabel = "KEY=VALUE",
            description = "Headers sent with every request.")
    List<String> headers;

    @Option(names = "--model", description = "Model (default: the first of GET /v1/models).")
    String model;

    @Option(names = "--served-model-name", description = "Model name sent in requests (default: --model).")
    String servedModelName;

    @Option(
            names = "--tokenizer",
            description = "Local tokenizer.json (or its directory) for exact prompt lengths; Hub names are refused.")
    String tokenizer;

    @Option(
            names = "--tokenizer-mode",
            defaultValue = "auto",
            description = "auto or hf: the fast (tokenizer.json) tokenizer (default: ${DEFAULT-VALUE}).")
    String tokenizerMode;

    @Option(names = "--trust-remote-code", description = "Accepted; a tokenizer.json runs no remote code.")
    boolean trustRemoteCode;

    @Option(
            names = "--skip-tokenizer-init",
            description = "No tokenizer: tokenizer_id null, no TTFT/TPOT/ITL statistics (vLLM's rules).")
    boolean skipTokenizerInit;

    @Option(names = "--insecure", description = "Accept any TLS certificate (https).")
    boolean insecure;

    @Option(
            names = "--ready-check-timeout-sec",
            defaultValue = "0",
            description = "Send the first prompt until it succeeds, at most this long (0: skip).")
    int readyCheckTimeoutSec;

    @Option(names = "--profile", description = "POST /start_profile before and /stop_profile after the run.")
    boolean profile;

    @Option(names = "--api-key", description = "Bearer token (default: $OPENAI_API_KEY).")
    String apiKey;

    @Option(
            names = "--http-client",
            defaultValue = "auto",
            description = "auto (nio for http, jdk for https), nio or jdk.")
    String httpClient;

    @Option(names = "--client-threads", defaultValue = "2", description = "Executor threads of the JDK client.")
    int clientThreads;

    /** vLLM's api_url base: --base-url, else http://host:port. */
    String resolvedBaseUrl() {
        if (baseUrl != null) {
            return baseUrl;
        }
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port;
    }
}
