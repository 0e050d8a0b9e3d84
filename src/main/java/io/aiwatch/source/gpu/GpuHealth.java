package io.aiwatch.source.gpu;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * What the fast and the slow GPU collectors learn about the devices and share: which fields a
 * device does not support (asked once, never again), which devices are lost, and error counts
 * by library function and return code. Thread-safe; both collectors write it.
 */
public final class GpuHealth {
    private static final Logger LOG = Logger.getLogger(GpuHealth.class.getName());

    /** Key of the error counter. */
    public record ErrorKey(String function, String code) {}

    private final Set<String> unsupported = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> lost = new ConcurrentHashMap<>();
    private final Map<ErrorKey, LongAdder> errors = new ConcurrentHashMap<>();
    private final Set<ErrorKey> loggedErrors = ConcurrentHashMap.newKeySet();

    /** True when {@code what} (a field or feature name) is known unsupported on {@code device}. */
    public boolean isUnsupported(int device, String what) {
        return unsupported.contains(device + "/" + what);
    }

    /** Applies the error policy to one failed call and says whether the device is now lost. */
    public boolean record(int device, String what, GpuCallException e) {
        switch (e.code()) {
            case NOT_SUPPORTED -> {
                if (unsupported.add(device + "/" + what)) {
                    LOG.info("GPU " + device + ": " + what + " not supported (" + e.function()
                            + "); left out from now on");
                }
                return false;
            }
            case GPU_IS_LOST -> {
                if (lost.putIfAbsent(device, e.getMessage()) == null) {
                    LOG.severe("GPU " + device + " is lost: " + e.getMessage() + "; reporting aiwatch_gpu_up 0");
                }
                count(e);
                return true;
            }
            case NO_DATA -> {
                // GPM needs two samples: the first cycle has nothing to report yet. Not an error.
                return false;
            }
            default -> {
                count(e);
                return false;
            }
        }
    }

    private void count(GpuCallException e) {
        ErrorKey key = new ErrorKey(e.function(), e.code().cName());
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (loggedErrors.add(key)) {
            LOG.warning("GPU call failed: " + e.getMessage() + " (further errors of this kind are only counted)");
        }
    }

    public boolean isLost(int device) {
        return lost.containsKey(device);
    }

    /** Why the device is lost, or null. */
    public String lostReason(int device) {
        return lost.get(device);
    }

    /** Snapshot of the error counts. */
    public Map<ErrorKey, Long> errorCounts() {
        Map<ErrorKey, Long> copy = new java.util.TreeMap<>(
                java.util.Comparator.comparing(ErrorKey::function).thenComparing(ErrorKey::code));
        errors.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Unsupported fields of one device, for the status page. */
    public Set<String> unsupportedOn(int device) {
        String prefix = device + "/";
        Set<String> result = new java.util.TreeSet<>();
        for (String s : unsupported) {
            if (s.startsWith(prefix)) {
                result.add(s.substring(prefix.length()));
            }
        }
        return result;
    }
}
