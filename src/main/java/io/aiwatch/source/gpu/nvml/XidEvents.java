package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.XidEvent;
import io.aiwatch.source.gpu.nvml.NvmlHandles.Device;
import io.aiwatch.source.gpu.nvml.NvmlHandles.EventSet;
import io.aiwatch.source.gpu.nvml.NvmlStructs.EventData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * XID errors through one NVML event set registered for {@code nvmlEventTypeXidCriticalError} on
 * every device. NVML delivers events of all devices through the set, so a drain for one device
 * keeps the others' events in their own bounded queues until those devices drain.
 */
final class XidEvents {
    static final long EVENT_TYPE_XID_CRITICAL_ERROR = 0x8L;
    /** Per-device backlog bound; beyond it the oldest events are dropped and counted. */
    static final int QUEUE_LIMIT = 4096;
    /** Bound on events read in one pump, so a storm cannot pin a collector thread. */
    private static final int PUMP_LIMIT = 100_000;

    private final Nvml nvml;
    private final EventSet set;
    private final GpuCallException setError;
    private final Map<Pointer, Integer> indexByHandle = new HashMap<>();
    private final Map<Integer, GpuCallException> registrationErrors = new HashMap<>();
    private final Map<Integer, ArrayDeque<XidEvent>> queues = new HashMap<>();
    private final Map<Integer, Long> last = new HashMap<>();
    private long dropped;
    private long unknownDevice;
    private boolean closed;

    XidEvents(Nvml nvml, Map<Integer, Device> devices) {
        this.nvml = nvml;
        EventSet created = null;
        GpuCallException error = null;
        try {
            nvml.require("nvmlEventSetCreate");
            nvml.require("nvmlDeviceRegisterEvents");
            nvml.require("nvmlEventSetWait_v2");
            PointerByReference ref = new PointerByReference();
            nvml.check("nvmlEventSetCreate", nvml.lib.nvmlEventSetCreate(ref));
            created = new EventSet(ref.getValue());
        } catch (GpuCallException e) {
            error = e;
        }
        this.set = created;
        this.setError = error;
        for (Map.Entry<Integer, Device> d : devices.entrySet()) {
            indexByHandle.put(d.getValue().getPointer(), d.getKey());
            queues.put(d.getKey(), new ArrayDeque<>());
            if (set != null) {
                int rc = nvml.lib.nvmlDeviceRegisterEvents(d.getValue(), EVENT_TYPE_XID_CRITICAL_ERROR, set);
                if (rc != Nvml.SUCCESS) {
                    registrationErrors.put(d.getKey(), nvml.error("nvmlDeviceRegisterEvents", rc));
                }
            }
        }
    }

    /** The XIDs of device {@code index} since its previous drain, oldest first. */
    synchronized List<XidEvent> drain(int index) throws GpuCallException {
        checkRegistered(index);
        pump();
        ArrayDeque<XidEvent> q = queues.get(index);
        List<XidEvent> out = new ArrayList<>(q);
        q.clear();
        return out;
    }

    /** The last XID ever seen on device {@code index}, 0 when none (DCGM_FI_DEV_XID_ERRORS). */
    synchronized long last(int index) throws GpuCallException {
        checkRegistered(index);
        pump();
        return last.getOrDefault(index, 0L);
    }

    synchronized long droppedEvents() {
        return dropped + unknownDevice;
    }

    synchronized void close() {
        if (!closed && set != null) {
            nvml.lib.nvmlEventSetFree(set);
        }
        closed = true;
    }

    private void checkRegistered(int index) throws GpuCallException {
        if (setError != null) {
            throw setError;
        }
        GpuCallException e = registrationErrors.get(index);
        if (e != null) {
            throw e;
        }
        if (closed) {
            throw new GpuCallException("nvmlEventSetWait_v2", 1, "backend closed");
        }
    }

    /** Reads every pending event (timeout 0) until NVML answers TIMEOUT. */
    private void pump() throws GpuCallException {
        EventData data = new EventData();
        for (int i = 0; i < PUMP_LIMIT; i++) {
            int rc = nvml.lib.nvmlEventSetWait_v2(set, data, 0);
            if (rc == Nvml.ERROR_TIMEOUT) {
                return;
            }
            nvml.check("nvmlEventSetWait_v2", rc);
            if ((data.eventType & EVENT_TYPE_XID_CRITICAL_ERROR) == 0) {
                continue;
            }
            Integer index = data.device == null ? null : indexByHandle.get(data.device.getPointer());
            if (index == null) {
                unknownDevice++;
                continue;
            }
            ArrayDeque<XidEvent> q = queues.get(index);
            if (q.size() >= QUEUE_LIMIT) {
                q.removeFirst();
                dropped++;
            }
            q.addLast(new XidEvent(data.eventData));
            last.put(index, data.eventData);
        }
    }
}
