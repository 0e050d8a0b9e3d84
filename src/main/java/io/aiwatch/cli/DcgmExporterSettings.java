package io.aiwatch.cli;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ListenAddress;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.source.gpu.DeviceSelection;
import io.aiwatch.source.gpu.GpuConfig;
import io.aiwatch.source.kubernetes.KubernetesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The values of dcgm-exporter's flags and variables (flag first, then variable), applied to a
 * {@link DaemonConfig}. Flags that cannot apply become {@link #warnings()}, one per flag.
 *
 * @param values   the effective value of each flag that was given, as text (lists joined by commas)
 * @param sources  where each came from: {@code --name} or {@code $VARIABLE}
 */
public record DcgmExporterSettings(Map<DcgmExporterFlag, String> values, Map<DcgmExporterFlag, String> sources) {

    /** The paths dcgm-exporter's images and charts pass; aiwatch has the same lists built in. */
    static final Set<String> BUILT_IN_COUNTERS =
            Set.of("/etc/dcgm-exporter/default-counters.csv", "/etc/dcgm-exporter/dcp-metrics-included.csv");

    public DcgmExporterSettings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }

    /** Reads the daemon command's parsed flags, then {@code env} for those not given. */
    static DcgmExporterSettings resolve(CommandSpec spec, Map<String, String> env) throws ConfigException {
        Map<DcgmExporterFlag, Object> given = DcgmExporterFlags.given(spec);
        return resolve(given, env);
    }

    static DcgmExporterSettings resolve(Map<DcgmExporterFlag, Object> given, Map<String, String> env)
            throws ConfigException {
        Map<DcgmExporterFlag, String> values = new LinkedHashMap<>();
        Map<DcgmExporterFlag, String> sources = new LinkedHashMap<>();
        for (DcgmExporterFlag f : DcgmExporterFlags.ALL) {
            String value;
            String source;
            if (given.containsKey(f)) {
                Object v = given.get(f);
                value = v instanceof List<?> l
                        ? String.join(",", l.stream().map(String::valueOf).toList())
                        : (String) v;
                source = f.optionNames().get(0);
            } else if (env.get(f.env()) != null) {
                value = env.get(f.env());
                source = "$" + f.env();
            } else {
                continue;
            }
            check(f, value, source);
            values.put(f, value.trim());
            sources.put(f, source);
        }
        return new DcgmExporterSettings(values, sources);
    }

    private static void check(DcgmExporterFlag f, String value, String source) throws ConfigException {
        switch (f.type()) {
            case BOOL -> bool(value, source);
            case INT -> {
                try {
                    Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException(source + ": '" + value + "' is not a whole number");
                }
            }
            default -> {}
        }
    }

    /** Go's strconv.ParseBool, which urfave/cli uses for flags and variables. */
    static boolean bool(String value, String source) throws ConfigException {
        return switch (value.trim()) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new ConfigException(source + ": '" + value + "' is not true or false");
        };
    }

    private String value(String name) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private boolean isTrue(String name) throws ConfigException {
        String v = value(name);
        return v != null && bool(v, name);
    }

    /** Applies the supported flags to {@code cfg}; command-line errors name the flag or variable. */
    public DaemonConfig applyTo(DaemonConfig cfg) throws ConfigException {
        try {
            GpuConfig gpu = cfg.gpu();
            String v;
            if ((v = value("address")) != null) {
                ListenAddress.parse(v);
                cfg = cfg.withListen(v);
            }
            if ((v = value("collectors")) != null) {
                gpu = gpu.withCollectorsFile(BUILT_IN_COUNTERS.contains(v) && !Files.exists(Path.of(v)) ? null : v);
            }
            if ((v = value("collect-interval")) != null) {
                long ms = Long.parseLong(v);
                if (ms <= 0) {
                    throw new IllegalArgumentException("collect-interval must be positive, not " + ms);
                }
                gpu = gpu.withInterval(ms + "ms");
            }
            if (isTrue("no-hostname")) {
                gpu = gpu.withHostnameLabel("none");
            }
            if ((v = value("devices")) != null) {
                DeviceSelection.parse(v);
                gpu = gpu.withDevices(v);
            }
            if (isTrue("replace-blanks-in-model-name")) {
                gpu = gpu.withReplaceBlanksInModelName(true);
            }
            KubernetesConfig k8s = cfg.kubernetes();
            if (value("kubernetes") != null) {
                k8s = k8s.withEnabled(isTrue("kubernetes"));
            }
            if ((v = value("kubernetes-gpu-id-type")) != null) {
                k8s = k8s.withGpuIdType(v);
            }
            if ((v = value("pod-resources-kubelet-socket")) != null) {
                k8s = k8s.withSocket(v);
            }
            if ((v = value("nvidia-resource-names")) != null) {
                k8s = k8s.withResourceNames(Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList());
            }
            if (value("kubernetes-virtual-gpus") != null) {
                k8s = k8s.withVirtualGpus(isTrue("kubernetes-virtual-gpus"));
            }
            if (isTrue("use-old-namespace")) {
                k8s = k8s.withOldLabelNames(true);
            }
            if ((v = value("web-config-file")) != null && !v.isEmpty()) {
                cfg = cfg.withHttp(cfg.http().withWebConfigFile(v));
            }
            return cfg.withGpu(gpu).withKubernetes(k8s);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("command line: " + e.getMessage());
        }
    }

    /** {@code debug} and {@code log-format}: how the process logs. */
    public boolean debug() throws ConfigException {
        return isTrue("debug");
    }

    /** {@code text} or {@code json}, or null when not given. */
    public String logFormat() throws ConfigException {
        String v = value("log-format");
        if (v != null && !v.equals("text") && !v.equals("json")) {
            throw new ConfigException(sourceOf("log-format") + ": log format must be text or json, not '" + v + "'");
        }
        return v;
    }

    private String sourceOf(String name) {
        return sources.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(name);
    }

    /**
     * One line per given flag that does not apply here (and one per informational flag), naming
     * the flag or variable, its value and why. A boolean flag that is given as false asks for
     * nothing and is not reported.
     */
    public List<String> warnings() throws ConfigException {
        List<String> out = new ArrayList<>();
        for (Map.Entry<DcgmExporterFlag, String> e : values.entrySet()) {
            DcgmExporterFlag f = e.getKey();
            if (f.status() == DcgmExporterFlag.Status.SUPPORTED) {
                if (f.name().equals("collectors")
                        && BUILT_IN_COUNTERS.contains(e.getValue())
                        && !Files.exists(Path.of(e.getValue()))) {
                    out.add(sources.get(f) + " " + e.getValue()
                            + ": no such file; using aiwatch's built-in default-counters.csv (the same fields)");
                }
                continue;
            }
            if (f.type() == DcgmExporterFlag.Type.BOOL && !bool(e.getValue(), sources.get(f))) {
                continue;
            }
            String kind = f.status() == DcgmExporterFlag.Status.WARNED ? "ignored" : "no effect";
            out.add(sources.get(f) + "=" + e.getValue() + " " + kind + ": " + f.meaning());
        }
        return out;
    }
}
