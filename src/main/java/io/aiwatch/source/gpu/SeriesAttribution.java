package io.aiwatch.source.gpu;

import io.aiwatch.collect.Labels;
import java.util.List;

/**
 * Who uses a GPU or GPU instance, as labels appended to its series (dcgm-exporter's Kubernetes
 * {@code pod}, {@code namespace}, {@code container}). Implementations answer from memory: the
 * collector asks on every cycle and must not wait.
 */
public interface SeriesAttribution {

    /** No attribution: every series stays as it is. */
    SeriesAttribution NONE = key -> List.of();

    /**
     * The label sets for the series of {@code key}: empty to leave the series as it is, one to
     * extend it, several to repeat it once per user (shared GPUs).
     */
    List<Labels> labels(Key key);

    /**
     * What a series belongs to.
     *
     * @param gpu           GPU index
     * @param uuid          GPU UUID ({@code GPU-…})
     * @param device        {@code nvidia<index>}
     * @param gpuInstanceId MIG GPU-instance id, or -1 for a whole GPU
     */
    record Key(int gpu, String uuid, String device, int gpuInstanceId) {}
}
