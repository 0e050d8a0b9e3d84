package io.aiwatch.cli;

import io.aiwatch.daemon.Version;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.reader.otlp.OtlpConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --otlp-endpoint URL [--otlp-protocol P]}: one GenAI span per request to an OpenTelemetry
 * collector, for the commands that send requests ({@code proxy}, {@code loadgen}). Endpoint and
 * protocol mean what {@code otlp.endpoint}/{@code otlp.protocol} mean in the daemon's file;
 * headers, timeout, compression and resource attributes come from the standard {@code OTEL_*}
 * variables, as for the daemon.
 */
final class OtlpSpanOptions {
    @Option(
            names = "--otlp-endpoint",
            paramLabel = "URL",
            description =
                    "Send one GenAI span per request to this OTLP collector (http/protobuf: http://host:4318, /v1/traces is used; grpc: http://host:4317).")
    String endpoint;

    @Option(
            names = "--otlp-protocol",
            paramLabel = "PROTOCOL",
            defaultValue = "http/protobuf",
            description = "http/protobuf or grpc (default: ${DEFAULT-VALUE}).")
    String protocol;

    /**
     * The span recorder, or null without {@code --otlp-endpoint} (or with {@code OTEL_SDK_DISABLED=true}).
     *
     * @throws IllegalArgumentException naming the flag or variable whose value is wrong
     */
    GenAiSpans start(Map<String, String> env) {
        if (endpoint == null) {
            return null;
        }
        OtlpConfig config;
        try {
            config = OtlpConfig.defaults().withEnabled(true).withEndpoint(endpoint, protocol);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--otlp-endpoint/--otlp-protocol: " + e.getMessage());
        }
        return GenAiSpans.fromConfig(config, env, Version.get());
    }
}
