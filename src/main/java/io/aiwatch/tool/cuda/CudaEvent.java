package io.aiwatch.tool.cuda;

import static io.aiwatch.tool.cuda.CudaDriver.check;

import jcuda.driver.CUevent;
import jcuda.driver.JCudaDriver;

/** A CUDA event: a marker in a stream, for timing on the device and for waiting on a copy. */
public final class CudaEvent implements AutoCloseable {
    private final CudaContext ctx;
    private final CUevent event = new CUevent();
    private boolean destroyed;

    CudaEvent(CudaContext ctx) {
        this.ctx = ctx;
        // CU_EVENT_DEFAULT = 0 (timing enabled)
        check(JCudaDriver.cuEventCreate(event, 0), "cuEventCreate");
    }

    /** Queues this event on {@code stream}. */
    public void record(CudaStream stream) {
        ctx.bind();
        check(JCudaDriver.cuEventRecord(event, stream.handle()), "cuEventRecord");
    }

    /** Blocks until the work before the event's last record has finished. */
    public void synchronize() {
        ctx.bind();
        check(JCudaDriver.cuEventSynchronize(event), "cuEventSynchronize");
    }

    /** True when the work before the last record has finished (never blocks). */
    public boolean isComplete() {
        ctx.bind();
        int rc = JCudaDriver.cuEventQuery(event);
        if (rc == CudaDriver.CUDA_ERROR_NOT_READY) {
            return false;
        }
        check(rc, "cuEventQuery");
        return true;
    }

    /** Device time from {@code start} to {@code end} in seconds (resolution about 0.5 µs). */
    public static double elapsedSeconds(CudaEvent start, CudaEvent end) {
        start.ctx.bind();
        float[] ms = new float[1];
        check(JCudaDriver.cuEventElapsedTime(ms, start.event, end.event), "cuEventElapsedTime");
        return ms[0] / 1000.0;
    }

    @Override
    public void close() {
        if (!destroyed) {
            destroyed = true;
            ctx.bind();
            check(JCudaDriver.cuEventDestroy(event), "cuEventDestroy");
        }
    }
}
