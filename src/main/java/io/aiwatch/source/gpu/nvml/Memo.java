package io.aiwatch.source.gpu.nvml;

import io.aiwatch.source.gpu.GpuCallException;

/**
 * One library result per cycle: the first {@link #get} calls the source, later ones return its
 * value or rethrow its error, so one failing struct call fails every field it serves once.
 */
final class Memo<T> {
    private boolean done;
    private T value;
    private GpuCallException error;

    @FunctionalInterface
    interface Source<T> {
        T get() throws GpuCallException;
    }

    T get(Source<T> source) throws GpuCallException {
        if (!done) {
            try {
                value = source.get();
            } catch (GpuCallException e) {
                error = e;
            }
            done = true;
        }
        if (error != null) {
            throw error;
        }
        return value;
    }
}
