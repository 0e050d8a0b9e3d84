package io.aiwatch.tool.loadbench;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where the bytes a loader reads go: host memory (the model in RAM), nowhere (the disk alone), or
 * a GPU (pinned staging buffers and asynchronous host-to-device copies). The destination hands out
 * the buffers readers fill, so that a GPU destination can give pinned memory and overlap a copy of
 * one buffer with the read of the next, and a host destination can hand out slices of the final
 * arena so that nothing is copied twice.
 *
 * <p>Protocol per load: {@link #begin} once; each reader then repeats {@link #acquire} (a buffer
 * for {@code length} bytes at a file offset), fills it, {@link #release}; finally {@link #finish}
 * once all readers have stopped. Readers call acquire and release from their own threads; a reader
 * index is used by one thread only.
 */
public interface Destination extends AutoCloseable {

    /** Short name for results: {@code host}, {@code discard}, {@code gpu}. */
    String name();

    /**
     * Prepares for one load.
     *
     * @param start      file offset of the first byte that will arrive (aligned to {@code alignment})
     * @param end        file offset one past the last byte (the file size)
     * @param readers    number of reader threads
     * @param blockBytes largest request a reader makes, a multiple of {@code alignment}
     * @param alignment  address alignment the buffers need (4096 for O_DIRECT, 1 otherwise)
     */
    void begin(long start, long end, int readers, int blockBytes, int alignment) throws IOException;

    /**
     * A buffer with position 0 and limit {@code length} for reader {@code reader} to fill with the
     * file's bytes from {@code fileOffset}. May block until an earlier transfer frees one.
     */
    ByteBuffer acquire(int reader, long fileOffset, int length) throws IOException, InterruptedException;

    /** The buffer from {@link #acquire} now holds {@code filled} bytes of the file from {@code fileOffset}. */
    void release(int reader, ByteBuffer buffer, long fileOffset, int filled) throws IOException, InterruptedException;

    /** Waits for outstanding transfers; returns the bytes delivered since {@link #begin}. */
    long finish() throws IOException, InterruptedException;

    /**
     * Figures the destination measured about itself during the last load, named with their unit
     * ({@code h2d_pinned_bytes_per_s} for a GPU); empty by default.
     */
    default java.util.Map<String, Double> figures() {
        return java.util.Map.of();
    }

    @Override
    default void close() throws Exception {}
}
