package io.aiwatch.tool.experiment.run;

import io.aiwatch.source.storage.Mount;
import io.aiwatch.source.storage.MountinfoParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Facts about the host from {@code /proc}, {@code /sys} and {@code /etc} (root injectable for
 * tests): CPU, memory, kernel, OS, virtualisation, load, and the filesystem a path lives on.
 * A fact that cannot be read is "unknown", never a failure.
 */
public final class HostProbe {
    private final Path root;

    public HostProbe(Path root) {
        this.root = root;
    }

    public static HostProbe system() {
        return new HostProbe(Path.of("/"));
    }

    /** 1, 5 and 15-minute load averages, or NaNs. */
    public double[] loadAverage() {
        String[] f = read("proc/loadavg").trim().split("\\s+");
        double[] out = {Double.NaN, Double.NaN, Double.NaN};
        for (int i = 0; i < 3 && i < f.length; i++) {
            try {
                out[i] = Double.parseDouble(f[i]);
            } catch (NumberFormatException e) {
                // stays NaN
            }
        }
        return out;
    }

    /** Logical CPUs listed in /proc/cpuinfo (the JVM's count may be limited by a cgroup). */
    public int cpus() {
        int n = 0;
        for (String line : read("proc/cpuinfo").split("\n")) {
            if (line.startsWith("processor")) {
                n++;
            }
        }
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    public Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", hostname());
        m.put("cpu_model", cpuField("model name"));
        m.put("cpus", cpus());
        m.put("cpus_available_to_jvm", Runtime.getRuntime().availableProcessors());
        m.put("memory_bytes", memTotalBytes());
        m.put("kernel", read("proc/sys/kernel/osrelease").trim());
        m.put("os", osName());
        m.put("virtualization", virtualization());
        double[] load = loadAverage();
        m.put("load_average", List.of(load[0], load[1], load[2]));
        return m;
    }

    /** The mount holding {@code path}: mount point, fs type, source, options. */
    public Map<String, Object> filesystemOf(Path path) {
        Map<String, Object> m = new LinkedHashMap<>();
        String text = read("proc/self/mountinfo");
        List<Mount> mounts = MountinfoParser.parse(text, new io.aiwatch.source.storage.ParseErrors());
        String abs = path.toAbsolutePath().normalize().toString();
        Mount best = null;
        for (Mount mt : mounts) {
            String mp = mt.mountPoint();
            boolean under = abs.equals(mp) || abs.startsWith(mp.endsWith("/") ? mp : mp + "/");
            if (under && (best == null || mp.length() >= best.mountPoint().length())) {
                best = mt;
            }
        }
        if (best == null) {
            m.put("mount_point", "unknown");
            return m;
        }
        m.put("mount_point", best.mountPoint());
        m.put("fs_type", best.fsType());
        m.put("source", best.source());
        m.put("options", mountOptions(text, best));
        m.put("read_only", best.readOnly());
        return m;
    }

    private static String mountOptions(String mountinfo, Mount m) {
        for (String line : mountinfo.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length > 5
                    && f[2].equals(m.majorMinor())
                    && f[4].replace("\\040", " ").equals(m.mountPoint())) {
                int sep = java.util.Arrays.asList(f).indexOf("-");
                String sup = sep > 0 && f.length > sep + 3 ? f[sep + 3] : "";
                return f[5] + (sup.isEmpty() ? "" : " (superblock: " + sup + ")");
            }
        }
        return "unknown";
    }

    private String cpuField(String name) {
        for (String line : read("proc/cpuinfo").split("\n")) {
            if (line.startsWith(name)) {
                int colon = line.indexOf(':');
                return colon < 0 ? "unknown" : line.substring(colon + 1).trim();
            }
        }
        return "unknown";
    }

    private long memTotalBytes() {
        for (String line : read("proc/meminfo").split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.split("\\s+");
                try {
                    return Long.parseLong(f[1]) * 1024;
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private String osName() {
        for (String line : read("etc/os-release").split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return "unknown";
    }

    private String hostname() {
        String h = read("proc/sys/kernel/hostname").trim();
        return h.isEmpty() ? "unknown" : h;
    }

    /**
     * What systemd-detect-virt says (container or VM), else "hypervisor" when the CPU flags show
     * one, else "none" when they do not.
     */
    String virtualization() {
        List<String> found = new ArrayList<>();
        if (root.equals(Path.of("/"))) {
            String v = run("systemd-detect-virt");
            if (!v.isEmpty()) {
                found.add(v);
            }
            String vm = run("systemd-detect-virt", "--vm");
            if (!vm.isEmpty() && !vm.equals("none") && !found.contains(vm)) {
                found.add("vm " + vm);
            }
        }
        boolean hv = cpuField("flags").contains(" hypervisor");
        if (hv && found.stream().noneMatch(s -> s.startsWith("vm "))) {
            found.add("hypervisor (CPU flag)");
        }
        if (found.isEmpty()) {
            return hv ? "hypervisor (CPU flag)" : "none";
        }
        return String.join(", ", found);
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .trim()
                    .toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private String read(String relative) {
        try {
            return Files.readString(root.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
