package io.aiwatch.tool.experiment;

import io.aiwatch.collect.Labels;

/**
 * One sample as the runner scraped it.
 *
 * @param epochMs  when the scrape that read it started, Unix milliseconds
 * @param endpoint {@code daemon}, or the name a workload recorded an endpoint under
 * @param name     sample name as exposed ({@code DCGM_FI_DEV_GPU_TEMP}, {@code vllm:..._bucket})
 * @param labels   labels as exposed
 * @param value    the value
 */
public record RecordedSample(long epochMs, String endpoint, String name, Labels labels, double value) {}
