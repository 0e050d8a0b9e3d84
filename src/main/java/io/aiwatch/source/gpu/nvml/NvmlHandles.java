package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.PointerType;

/** The opaque NVML handles, one {@link PointerType} per C handle type. Never leave the package. */
final class NvmlHandles {
    private NvmlHandles() {}

    /** {@code nvmlDevice_t} ({@code struct nvmlDevice_st*}). */
    public static final class Device extends PointerType {
        public Device() {}

        public Device(Pointer p) {
            super(p);
        }
    }

    /** {@code nvmlEventSet_t} ({@code struct nvmlEventSet_st*}). */
    public static final class EventSet extends PointerType {
        public EventSet() {}

        public EventSet(Pointer p) {
            super(p);
        }
    }

    /** {@code nvmlGpmSample_t} ({@code struct nvmlGpmSample_st*}), allocated by nvmlGpmSampleAlloc. */
    public static final class GpmSample extends PointerType {
        public GpmSample() {}

        public GpmSample(Pointer p) {
            super(p);
        }
    }

    /** {@code nvmlGpuInstance_t} ({@code struct nvmlGpuInstance_st*}): a MIG GPU instance. */
    public static final class GpuInstanceHandle extends PointerType {
        public GpuInstanceHandle() {}

        public GpuInstanceHandle(Pointer p) {
            super(p);
        }
    }
}
