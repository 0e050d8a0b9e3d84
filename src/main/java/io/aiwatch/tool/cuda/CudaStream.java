package io.aiwatch.tool.cuda;

import static io.aiwatch.tool.cuda.CudaDriver.check;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * A non-blocking CUDA stream: work queued on it runs in order, concurrently with other streams. Also
 * records CUDA graphs ({@link #capture}), which replay a whole decode step with one launch.
 */
public final class CudaStream implements AutoCloseable {
    private final CudaContext ctx;
    private final CUstream stream = new CUstream();
    private boolean destroyed;

    CudaStream(CudaContext ctx) {
        this.ctx = ctx;
        // CU_STREAM_NON_BLOCKING = 1
        check(JCudaDriver.cuStreamCreate(stream, 1), "cuStreamCreate");
    }

    CUstream handle() {
        return stream;
    }

    /** Blocks until everything queued so far has finished. */
    public void synchronize() {
        ctx.bind();
        check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /**
     * Records what {@code work} queues on this stream into a graph instead of running it, and returns
     * the instantiated graph. Kernel arguments are captured by value.
     */
    public Graph capture(Runnable work) {
        ctx.bind();
        // CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1
        check(JCudaDriver.cuStreamBeginCapture(stream, 1), "cuStreamBeginCapture");
        CUgraph graph = new CUgraph();
        try {
            work.run();
        } finally {
            check(JCudaDriver.cuStreamEndCapture(stream, graph), "cuStreamEndCapture");
        }
        CUgraphExec exec = new CUgraphExec();
        try {
            check(JCudaDriver.cuGraphInstantiate(exec, graph, 0), "cuGraphInstantiate");
        } finally {
            JCudaDriver.cuGraphDestroy(graph);
        }
        return new Graph(exec);
    }

    /** An instantiated CUDA graph bound to this stream's context. */
    public final class Graph implements AutoCloseable {
        private final CUgraphExec exec;
        private boolean destroyed;

        private Graph(CUgraphExec exec) {
            this.exec = exec;
        }

        /** Queues one replay of the graph on the stream it was captured from. */
        public void launch() {
            ctx.bind();
            check(JCudaDriver.cuGraphLaunch(exec, stream), "cuGraphLaunch");
        }

        @Override
        public void close() {
            if (!destroyed) {
                destroyed = true;
                ctx.bind();
                JCudaDriver.cuGraphExecDestroy(exec);
            }
        }
    }

    @Override
    public void close() {
        if (!destroyed) {
            destroyed = true;
            ctx.bind();
            check(JCudaDriver.cuStreamDestroy(stream), "cuStreamDestroy");
        }
    }
}
