package io.aiwatch.tool.experiment;

import java.util.List;

/**
 * Read access to what the runner has recorded from the daemon (endpoint {@code daemon}) and from
 * endpoints workloads added. Samples are kept in memory for the last 30 minutes; all of them are
 * in the run's raw files.
 */
public interface SampleView {
    /** The most recent sample of every series named {@code sampleName} (e.g. {@code DCGM_FI_DEV_GPU_TEMP}). */
    List<RecordedSample> latest(String sampleName);

    /** Every sample of series named {@code sampleName} taken in [{@code fromEpochMs}, {@code toEpochMs}]. */
    List<RecordedSample> range(String sampleName, long fromEpochMs, long toEpochMs);

    /** A view with nothing in it (no daemon). */
    static SampleView none() {
        return new SampleView() {
            @Override
            public List<RecordedSample> latest(String sampleName) {
                return List.of();
            }

            @Override
            public List<RecordedSample> range(String sampleName, long fromEpochMs, long toEpochMs) {
                return List.of();
            }
        };
    }
}
