package io.aiwatch.tool.loadgen.client;

/**
 * Where and how to send.
 *
 * @param baseUrl  server root, e.g. http://127.0.0.1:8000
 * @param endpoint /v1/completions or /v1/chat/completions
 * @param model    model name (null: the first id of GET /v1/models)
 * @param apiKey   bearer token or null; never logged
 * @param stream   stream responses (SSE); needed for TTFT, TPOT and ITL
 * @param threads  HTTP client executor threads (JDK client)
 * @param transport auto, nio or jdk (see OpenAiClient)
 */
public record ClientConfig(
        String baseUrl, String endpoint, String model, String apiKey, boolean stream, int threads, String transport) {
    @Override
    public String toString() {
        return "ClientConfig[baseUrl=" + baseUrl + ", endpoint=" + endpoint + ", model=" + model + ", stream=" + stream
                + ", apiKey=" + (apiKey == null ? "none" : "***") + "]";
    }
}
