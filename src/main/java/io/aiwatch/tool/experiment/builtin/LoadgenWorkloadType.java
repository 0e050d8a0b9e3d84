package io.aiwatch.tool.experiment.builtin;

import io.aiwatch.tool.experiment.Parameters;
import io.aiwatch.tool.experiment.Workload;
import io.aiwatch.tool.experiment.WorkloadType;
import java.util.List;

/**
 * {@code kind: loadgen}: open- or closed-loop load from aiwatch's load generator against an
 * OpenAI-compatible server, or against a vLLM simulator started per iteration with the engine
 * settings the step names. Summary: vLLM bench serve's result fields; histograms: TTFT, TPOT, ITL,
 * E2EL and schedule lag; records: one per request.
 */
public final class LoadgenWorkloadType implements WorkloadType {
    @Override
    public String kind() {
        return "loadgen";
    }

    @Override
    public String description() {
        return "aiwatch loadgen (vllm bench serve's metrics) against a URL or a simulator started per iteration";
    }

    @Override
    public void validate(Parameters parameters) {
        LoadgenParameters.of(parameters);
    }

    @Override
    public Workload create(Parameters parameters) {
        return new LoadgenWorkload(LoadgenParameters.of(parameters));
    }

    @Override
    public List<String> reportMetrics() {
        return List.of(
                "request_throughput",
                "output_throughput",
                "p50_ttft_ms",
                "p99_ttft_ms",
                "p50_itl_ms",
                "p99_itl_ms",
                "p50_tpot_ms",
                "p99_tpot_ms",
                "p50_e2el_ms",
                "p99_e2el_ms",
                "failed");
    }

    @Override
    public boolean simulated(Parameters parameters) {
        return parameters.text("target", "simulator").equals("simulator");
    }
}
