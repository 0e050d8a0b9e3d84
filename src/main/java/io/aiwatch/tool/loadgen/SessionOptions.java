package io.aiwatch.tool.loadgen;

import io.aiwatch.tool.loadgen.client.RequestShape;
import io.aiwatch.tool.loadgen.result.StatsOptions;

/**
 * vllm bench serve's session-level settings beyond the run itself.
 *
 * @param shape                what every request carries (backend, model name, extra body and headers...)
 * @param readyCheckTimeoutSec --ready-check-timeout-sec: send the first prompt until it succeeds (0: skip)
 * @param profile              --profile: POST /start_profile before the run and /stop_profile after it
 * @param rampUp               --ramp-up-strategy with its start and end rps, or null
 */
public record SessionOptions(
        RequestShape shape, int readyCheckTimeoutSec, boolean profile, StatsOptions.RampUp rampUp) {

    /** aiwatch's defaults for callers that give none: the endpoint decides the body, nothing else. */
    public static SessionOptions plain(String endpoint, boolean ignoreEos) {
        return new SessionOptions(RequestShape.plain(endpoint, ignoreEos), 0, false, null);
    }
}
