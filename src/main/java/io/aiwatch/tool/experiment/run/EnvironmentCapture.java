package io.aiwatch.tool.experiment.run;

import io.aiwatch.source.gpu.GpuDeviceInfo;
import io.aiwatch.source.gpu.nvml.NvmlBackend;
import io.aiwatch.source.gpu.nvml.NvmlLoader;
import io.aiwatch.tool.experiment.RecordedSample;
import io.aiwatch.tool.experiment.SampleView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The environment of one session of a run: host, storage of the run directory, GPUs (from the
 * daemon, and from NVML's read-only queries when this host has NVML), software. Everything the
 * report's environment table shows comes from here or from workloads.
 */
final class EnvironmentCapture {
    private EnvironmentCapture() {}

    static Map<String, Object> capture(
            HostProbe host, SampleView samples, Path runDir, String daemonDescription, boolean simulatedGpus) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("captured_at", Instant.now().toString());
        env.put("host", host.facts());
        env.put("storage", storage(host, samples, runDir));
        env.put("daemon", daemonDescription);
        env.put("gpus", gpus(samples, simulatedGpus));
        env.put("software", software());
        return env;
    }

    private static Map<String, Object> storage(HostProbe host, SampleView samples, Path runDir) {
        Map<String, Object> fs = host.filesystemOf(runDir);
        Object source = fs.get("source");
        if (source instanceof String s && s.startsWith("/dev/")) {
            String dev = s.substring("/dev/".length());
            for (RecordedSample d : samples.latest("aiwatch_disk_info")) {
                String name = d.labels().get("device");
                if (name != null && (dev.equals(name) || dev.startsWith(name))) {
                    fs.put("device", name);
                    fs.put("device_class", d.labels().get("class"));
                    fs.put("device_model", d.labels().get("model"));
                }
            }
        }
        fs.putIfAbsent("device_class", "unknown (the daemon reported no matching disk)");
        return fs;
    }

    private static Map<String, Object> gpus(SampleView samples, boolean simulated) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Map<String, Object>> byUuid = new TreeMap<>();
        for (RecordedSample s : samples.latest("DCGM_FI_DEV_GPU_TEMP")) {
            String uuid = s.labels().get("UUID");
            if (uuid == null) {
                continue;
            }
            Map<String, Object> g = byUuid.computeIfAbsent(uuid, k -> new LinkedHashMap<>());
            g.put("index", s.labels().get("gpu"));
            g.put("uuid", uuid);
            g.put("model", s.labels().get("modelName"));
            g.put("pci_bus_id", s.labels().get("pci_bus_id"));
            g.put("driver", s.labels().get("DCGM_FI_DRIVER_VERSION"));
        }
        for (RecordedSample s : samples.latest("aiwatch_gpu_power_limit_watts")) {
            Map<String, Object> g = byUuid.get(s.labels().get("UUID"));
            if (g != null) {
                g.put("power_limit_w", s.value());
            }
        }
        out.put("source", simulated ? "simulated by the daemon (no real GPU)" : byUuid.isEmpty() ? "none" : "daemon");
        if (!simulated) {
            nvml(byUuid, out);
        }
        out.put("devices", new ArrayList<>(byUuid.values()));
        return out;
    }

    /** Adds what only NVML gives (VBIOS, CUDA driver version, clocks, ECC, persistence); read-only calls. */
    private static void nvml(Map<String, Map<String, Object>> byUuid, Map<String, Object> out) {
        try (NvmlBackend nvml = NvmlLoader.load(Optional.empty())) {
            out.put("cuda_driver_version", nvml.cudaDriverVersion());
            out.put("driver_version", nvml.driverVersion());
            for (GpuDeviceInfo d : nvml.devices()) {
                Map<String, Object> g = byUuid.computeIfAbsent(d.uuid(), k -> new LinkedHashMap<>());
                g.putIfAbsent("index", Integer.toString(d.index()));
                g.putIfAbsent("uuid", d.uuid());
                g.putIfAbsent("model", d.modelName());
                g.put("vbios", d.vbiosVersion());
                g.put("memory_total_bytes", d.memoryTotalBytes());
                g.putAll(nvml.settings(d.index()));
            }
        } catch (Exception | LinkageError e) {
            out.put("nvml", "not available on this host: " + e.getMessage());
        }
    }

    static Map<String, Object> software() {
        Map<String, Object> m = new LinkedHashMap<>();
        String v = EnvironmentCapture.class.getPackage().getImplementationVersion();
        m.put("aiwatch_version", v == null ? "dev (classes, not the jar)" : v);
        m.put("aiwatch_commit", git("rev-parse", "HEAD"));
        String dirty = git("status", "--porcelain", "--untracked-files=no");
        m.put("aiwatch_tree", dirty.startsWith("unknown") ? dirty : dirty.isEmpty() ? "clean" : "modified");
        m.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put("jvm_max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put("os_arch", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    private static String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown (git timed out)";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? out : "unknown (not run from a git checkout)";
        } catch (IOException e) {
            return "unknown (no git)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
