package io.aiwatch.tool.loadgen.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What every request carries besides its prompt, as {@code vllm bench serve} builds it: the
 * backend's body shape, the model name, {@code ignore_eos}, {@code logprobs}, the extra body
 * (sampling flags and {@code --extra-body}), extra headers, {@code x-request-id} and LoRA modules.
 *
 * @param backend         {@code openai} or {@code vllm} (completions body) or {@code openai-chat}
 * @param servedModelName the model name sent in requests (vLLM's {@code --served-model-name}); null: the model
 * @param ignoreEos       send {@code ignore_eos: true}
 * @param logprobs        completions {@code logprobs} (sent as null when absent, as vLLM does)
 * @param extraBody       fields merged into every body last (they win), or null
 * @param headers         extra request headers ({@code --header}); never logged
 * @param requestIdPrefix prefix of the {@code x-request-id} header (id = prefix + index), or null for none
 * @param loraModules     model names to spread requests over ({@code --lora-modules}), empty for none
 * @param loraRoundRobin  assign LoRA modules in turn instead of at random (seeded)
 * @param seed            seed of the random LoRA assignment
 * @param insecure        accept any TLS certificate ({@code --insecure})
 */
public record RequestShape(
        String backend,
        String servedModelName,
        boolean ignoreEos,
        Integer logprobs,
        ObjectNode extraBody,
        Map<String, String> headers,
        String requestIdPrefix,
        List<String> loraModules,
        boolean loraRoundRobin,
        long seed,
        boolean insecure) {

    public RequestShape {
        headers = Map.copyOf(headers);
        loraModules = List.copyOf(loraModules);
    }

    /** The shape aiwatch's own callers used: completions or chat by endpoint, nothing extra. */
    public static RequestShape plain(String endpoint, boolean ignoreEos) {
        return new RequestShape(
                endpoint.contains("chat") ? "openai-chat" : "openai",
                null,
                ignoreEos,
                null,
                null,
                Map.of(),
                null,
                List.of(),
                false,
                0,
                false);
    }

    public boolean chat() {
        return backend.equals("openai-chat");
    }

    /** The model name requests of workload item {@code item} carry: its LoRA module, else the served name, else {@code model}. */
    String modelFor(int item, String model) {
        if (!loraModules.isEmpty() && item >= 0) {
            int n = loraModules.size();
            return loraModules.get(
                    loraRoundRobin ? item % n : new SplittableRandom(seed * 0x9E3779B97F4A7C15L + item).nextInt(n));
        }
        return servedModelName != null ? servedModelName : model;
    }

    @Override
    public String toString() {
        return "RequestShape[backend=" + backend + ", model=" + servedModelName + ", ignoreEos=" + ignoreEos
                + ", headers=" + headers.keySet() + "]";
    }
}
