package io.aiwatch.tool.experiment.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiwatch.tool.experiment.ParameterException;
import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.vllmsim.SimulatorConfig;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of the {@code loadgen} workload: where to send (a URL, or a simulator the
 * workload starts with the engine settings given here, under {@code SimulatorConfig}'s keys),
 * what to send (dataset and lengths) and how (rate, concurrency).
 *
 * @param target         {@code simulator} (start one per iteration) or {@code url}
 * @param baseUrl        server root when target is url
 * @param endpoint       /v1/completions (default) or /v1/chat/completions
 * @param model          model name (default: the server's first model)
 * @param apiKeyEnv      name of an environment variable holding the API key (never the key itself)
 * @param requestRate    requests/s, or inf with max_concurrency
 * @param burstiness     gamma shape of arrival gaps (1 = Poisson)
 * @param maxConcurrency cap on requests in flight (0 = none)
 * @param requestTimeout a request not finished within this fails as timeout
 * @param dataset        random, shared-prefix, multi-turn, sharegpt or custom
 * @param datasetPath    file for sharegpt and custom
 * @param inputLen       prompt tokens (random; unique part for shared-prefix)
 * @param outputLen      output tokens per request
 * @param rangeRatio     lengths uniform in [L(1-r), L(1+r)]
 * @param prefixGroups   shared-prefix: groups sharing a prefix
 * @param prefixLen      shared-prefix: prefix tokens
 * @param numPrompts     distinct items built (the schedule cycles through them)
 * @param maxFailedRatio an iteration with a larger share of failed requests counts as failed
 * @param simulator      the simulator's settings (every other key, checked by SimulatorConfig)
 */
record LoadgenParameters(
        String target,
        String baseUrl,
        String endpoint,
        String model,
        String apiKeyEnv,
        double requestRate,
        double burstiness,
        int maxConcurrency,
        Duration requestTimeout,
        String dataset,
        String datasetPath,
        int inputLen,
        int outputLen,
        double rangeRatio,
        int prefixGroups,
        int prefixLen,
        int numPrompts,
        double maxFailedRatio,
        SimulatorConfig simulator) {

    static final Set<String> OWN = Set.of(
            "target",
            "base_url",
            "endpoint",
            "model",
            "api_key_env",
            "request_rate",
            "burstiness",
            "max_concurrency",
            "request_timeout",
            "dataset",
            "dataset_path",
            "input_len",
            "output_len",
            "range_ratio",
            "prefix_groups",
            "prefix_len",
            "num_prompts",
            "max_failed_ratio");

    /** Simulator keys a spec may set (host and port are the workload's business). */
    static final Set<String> SIMULATOR = simulatorKeys();

    private static final ObjectMapper STRICT =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static LoadgenParameters of(Parameters p) {
        Set<String> known = new LinkedHashSet<>(OWN);
        known.addAll(SIMULATOR);
        p.requireOnly(known, "workload loadgen");
        String target = p.text("target", "simulator");
        if (!target.equals("simulator") && !target.equals("url")) {
            throw new ParameterException("target", "simulator or url, not '" + target + "'");
        }
        String baseUrl = p.text("base_url", null);
        if (target.equals("url") && (baseUrl == null || !baseUrl.matches("https?://.+"))) {
            throw new ParameterException("base_url", "target url needs base_url: http://host:port");
        }
        if (target.equals("url")) {
            for (String k : p.keys()) {
                if (SIMULATOR.contains(k) && !k.equals("model")) {
                    throw new ParameterException(k, "a simulator setting, but target is url");
                }
            }
        }
        double rate = p.number("request_rate", Double.POSITIVE_INFINITY);
        int conc = p.integer("max_concurrency", 0);
        if (!(rate > 0)) {
            throw new ParameterException("request_rate", "must be > 0 (or inf)");
        }
        if (Double.isInfinite(rate) && conc <= 0) {
            throw new ParameterException("max_concurrency", "request_rate inf needs max_concurrency > 0");
        }
        String dataset = p.text("dataset", "random");
        if (!List.of("random", "shared-prefix", "multi-turn", "sharegpt", "custom")
                .contains(dataset)) {
            throw new ParameterException("dataset", "random, shared-prefix, multi-turn, sharegpt or custom");
        }
        double failed = p.number("max_failed_ratio", 0.1);
        if (failed < 0 || failed > 1) {
            throw new ParameterException("max_failed_ratio", "between 0 and 1");
        }
        int inputLen = positive(p, "input_len", 512);
        int outputLen = positive(p, "output_len", 128);
        return new LoadgenParameters(
                target,
                baseUrl,
                p.text("endpoint", "/v1/completions"),
                p.text("model", null),
                p.text("api_key_env", null),
                rate,
                p.number("burstiness", 1.0),
                conc,
                p.duration("request_timeout", Duration.ofMinutes(2)),
                dataset,
                p.text("dataset_path", null),
                inputLen,
                outputLen,
                p.number("range_ratio", 0.0),
                positive(p, "prefix_groups", 8),
                positive(p, "prefix_len", 512),
                positive(p, "num_prompts", 1000),
                failed,
                target.equals("simulator") ? simulator(p) : null);
    }

    private static int positive(Parameters p, String key, int dflt) {
        int v = p.integer(key, dflt);
        if (v < 1) {
            throw new ParameterException(key, "must be >= 1");
        }
        return v;
    }

    /** The simulator's config from the parameters with its keys; its own checks name the key. */
    private static SimulatorConfig simulator(Parameters p) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : p.keys()) {
            if (SIMULATOR.contains(k)) {
                m.put(k, p.asMap().get(k));
            }
        }
        try {
            return STRICT.convertValue(m, SimulatorConfig.class).withListen("127.0.0.1", 0);
        } catch (IllegalArgumentException e) {
            Throwable c = e;
            while (c.getCause() != null) {
                c = c.getCause();
            }
            String msg = c.getMessage() == null ? e.getMessage() : c.getMessage();
            String key = "simulator";
            for (String k : SIMULATOR) {
                if (msg.contains(k) && k.length() > (key.equals("simulator") ? 0 : key.length())) {
                    key = k;
                }
            }
            throw new ParameterException(key, msg.replace("simulator config: ", ""));
        }
    }

    private static Set<String> simulatorKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (RecordComponent c : SimulatorConfig.class.getRecordComponents()) {
            JsonProperty j;
            try {
                // @JsonProperty does not target record components; it lands on the field
                j = SimulatorConfig.class.getDeclaredField(c.getName()).getAnnotation(JsonProperty.class);
            } catch (NoSuchFieldException e) {
                continue;
            }
            if (j != null && !j.value().equals("host") && !j.value().equals("port")) {
                keys.add(j.value());
            }
        }
        return Set.copyOf(keys);
    }
}
