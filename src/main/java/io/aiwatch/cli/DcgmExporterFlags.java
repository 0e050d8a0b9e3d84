package io.aiwatch.cli;

import static io.aiwatch.cli.DcgmExporterFlag.Status.SAME_AS_DEFAULT;
import static io.aiwatch.cli.DcgmExporterFlag.Status.SUPPORTED;
import static io.aiwatch.cli.DcgmExporterFlag.Status.WARNED;
import static io.aiwatch.cli.DcgmExporterFlag.Type.BOOL;
import static io.aiwatch.cli.DcgmExporterFlag.Type.INT;
import static io.aiwatch.cli.DcgmExporterFlag.Type.LIST;
import static io.aiwatch.cli.DcgmExporterFlag.Type.STRING;

import io.aiwatch.cli.DcgmExporterFlag.Status;
import io.aiwatch.cli.DcgmExporterFlag.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * dcgm-exporter's whole command line and its {@code DCGM_EXPORTER_*} environment on the daemon
 * command, so that an SRE changes only the image: NVIDIA's Helm chart passes {@code -f …}, the GPU
 * Operator sets environment variables. Each flag has the same meaning as in dcgm-exporter, or, where
 * it cannot apply (no DCGM host engine, no NvSwitch or CPU entities), is accepted with one warning
 * naming the flag and why. A flag wins over its variable, as in urfave/cli.
 *
 * <p>Installed as a picocli model transformer of {@link DaemonCommand}; {@link DcgmExporterSettings}
 * turns what was given into configuration.
 */
public final class DcgmExporterFlags implements CommandLine.IModelTransformer {

    /** Every flag of dcgm-exporter 4.x ({@code pkg/cmd/app.go}), in its order. */
    public static final List<DcgmExporterFlag> ALL = List.of(
            flag(
                    "collectors",
                    "f",
                    "DCGM_EXPORTER_COLLECTORS",
                    STRING,
                    SUPPORTED,
                    "counters CSV choosing the GPU fields; dcgm-exporter's default paths fall back to the built-in list when the file is absent"),
            flag(
                    "address",
                    "a",
                    "DCGM_EXPORTER_LISTEN",
                    STRING,
                    SUPPORTED,
                    "listen address HOST:PORT, [::]:9400 for IPv6"),
            flag(
                    "collect-interval",
                    "c",
                    "DCGM_EXPORTER_INTERVAL",
                    INT,
                    SUPPORTED,
                    "GPU sampling interval in ms (aiwatch's default is 1000, dcgm-exporter's 30000)"),
            flag(
                    "kubernetes",
                    "k",
                    "DCGM_EXPORTER_KUBERNETES",
                    BOOL,
                    SUPPORTED,
                    "pod, namespace, container labels from the kubelet PodResources API"),
            flag(
                    "use-old-namespace",
                    "o",
                    "DCGM_EXPORTER_USE_OLD_NAMESPACE",
                    BOOL,
                    WARNED,
                    "dcgm-exporter 1.x metric names are not produced; only the pod label names change (pod_name, pod_namespace, container_name)"),
            flag(
                    "cpu-devices",
                    "p",
                    "DCGM_EXPORTER_CPU_DEVICES_STR",
                    STRING,
                    WARNED,
                    "Grace CPU entities need DCGM; aiwatch reports no CPU entities"),
            flag(
                    "configmap-data",
                    "m",
                    "DCGM_EXPORTER_CONFIGMAP_DATA",
                    STRING,
                    WARNED,
                    "aiwatch does not read the Kubernetes API for counters; mount the ConfigMap as a file and pass it with -f"),
            flag(
                    "remote-hostengine-info",
                    "r",
                    "DCGM_REMOTE_HOSTENGINE_INFO",
                    STRING,
                    WARNED,
                    "there is no DCGM host engine: aiwatch reads NVML in its own process"),
            flag(
                    "kubernetes-enable-pod-labels",
                    null,
                    "DCGM_EXPORTER_KUBERNETES_ENABLE_POD_LABELS",
                    BOOL,
                    WARNED,
                    "pod labels need the Kubernetes API server, which aiwatch does not call; join kube_pod_labels from kube-state-metrics on namespace and pod"),
            flag(
                    "kubernetes-enable-pod-uid",
                    null,
                    "DCGM_EXPORTER_KUBERNETES_ENABLE_POD_UID",
                    BOOL,
                    WARNED,
                    "the pod UID needs the Kubernetes API server, which aiwatch does not call; join kube_pod_info from kube-state-metrics on namespace and pod"),
            flag(
                    "kubernetes-gpu-id-type",
                    null,
                    "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE",
                    STRING,
                    SUPPORTED,
                    "uid (GPU UUIDs) or device-name (nvidia0, GKE): how the kubelet names GPUs"),
            flag(
                    "kubernetes-pod-label-allowlist-regex",
                    null,
                    "DCGM_EXPORTER_KUBERNETES_POD_LABEL_ALLOWLIST_REGEX",
                    LIST,
                    WARNED,
                    "filters pod labels, which aiwatch does not add (see --kubernetes-enable-pod-labels)"),
            flag(
                    "devices",
                    "d",
                    "DCGM_EXPORTER_DEVICES_STR",
                    STRING,
                    SUPPORTED,
                    "f, g[:ids] or i[:ids]; i ids are NVML GPU-instance ids (GPU_I_ID)"),
            flag("no-hostname", "n", "DCGM_EXPORTER_NO_HOSTNAME", BOOL, SUPPORTED, "omit the Hostname label"),
            flag(
                    "switch-devices",
                    "s",
                    "DCGM_EXPORTER_OTHER_DEVICES_STR",
                    STRING,
                    WARNED,
                    "NvSwitch and NVLink entities need DCGM; aiwatch reports GPUs and MIG instances only"),
            flag(
                    "fake-gpus",
                    null,
                    "DCGM_EXPORTER_USE_FAKE_GPUS",
                    BOOL,
                    WARNED,
                    "DCGM's injected fake GPUs do not exist here; use --simulate-gpus N"),
            flag(
                    "web-config-file",
                    null,
                    "DCGM_EXPORTER_WEB_CONFIG_FILE",
                    STRING,
                    SUPPORTED,
                    "exporter-toolkit web-config: TLS, mTLS, basic auth"),
            flag(
                    "xid-count-window-size",
                    "x",
                    "DCGM_EXPORTER_XID_COUNT_WINDOW_SIZE",
                    INT,
                    WARNED,
                    "sizes DCGM_EXP_XID_ERRORS_COUNT, which aiwatch replaces with the counter aiwatch_gpu_xid_errors_total{xid} (use increase())"),
            flag(
                    "replace-blanks-in-model-name",
                    "rbmn",
                    "DCGM_EXPORTER_REPLACE_BLANKS_IN_MODEL_NAME",
                    BOOL,
                    SUPPORTED,
                    "modelName label with dashes instead of blanks"),
            flag("debug", null, "DCGM_EXPORTER_DEBUG", BOOL, SUPPORTED, "debug logging, as --log.level=debug"),
            flag(
                    "clock-events-count-window-size",
                    null,
                    "DCGM_EXPORTER_CLOCK_EVENTS_COUNT_WINDOW_SIZE",
                    INT,
                    WARNED,
                    "sizes DCGM_EXP_CLOCK_EVENTS_COUNT, which aiwatch replaces with aiwatch_gpu_clock_event_active{reason} at every sample"),
            flag(
                    "enable-dcgm-log",
                    null,
                    "DCGM_EXPORTER_ENABLE_DCGM_LOG",
                    BOOL,
                    WARNED,
                    "there is no DCGM library to log"),
            flag(
                    "dcgm-log-level",
                    null,
                    "DCGM_EXPORTER_DCGM_LOG_LEVEL",
                    STRING,
                    WARNED,
                    "there is no DCGM library to log"),
            flag(
                    "log-format",
                    null,
                    "DCGM_EXPORTER_LOG_FORMAT",
                    STRING,
                    SUPPORTED,
                    "text (logfmt lines) or json (one object per line); --log.format wins"),
            flag(
                    "pod-resources-kubelet-socket",
                    null,
                    "DCGM_POD_RESOURCES_KUBELET_SOCKET",
                    STRING,
                    SUPPORTED,
                    "the kubelet pod-resources socket"),
            flag(
                    "hpc-job-mapping-dir",
                    null,
                    "DCGM_HPC_JOB_MAPPING_DIR",
                    STRING,
                    WARNED,
                    "HPC job files (hpc_job label) are not read by aiwatch"),
            flag(
                    "nvidia-resource-names",
                    null,
                    "NVIDIA_RESOURCE_NAMES",
                    LIST,
                    SUPPORTED,
                    "extra extended resource names holding GPUs, e.g. nvidia.com/a100"),
            flag(
                    "kubernetes-virtual-gpus",
                    null,
                    "KUBERNETES_VIRTUAL_GPUS",
                    BOOL,
                    SUPPORTED,
                    "shared GPUs: one series per sharing pod with a vgpu label (per-process values are not split)"),
            flag(
                    "dump-enabled",
                    null,
                    "DCGM_EXPORTER_DUMP_ENABLED",
                    BOOL,
                    WARNED,
                    "debug dumps of DCGM objects do not exist here; the status page / shows the collectors' state"),
            flag(
                    "dump-directory",
                    null,
                    "DCGM_EXPORTER_DUMP_DIRECTORY",
                    STRING,
                    WARNED,
                    "debug dumps of DCGM objects do not exist here"),
            flag(
                    "dump-retention",
                    null,
                    "DCGM_EXPORTER_DUMP_RETENTION",
                    INT,
                    WARNED,
                    "debug dumps of DCGM objects do not exist here"),
            flag(
                    "dump-compression",
                    null,
                    "DCGM_EXPORTER_DUMP_COMPRESSION",
                    BOOL,
                    WARNED,
                    "debug dumps of DCGM objects do not exist here"),
            flag(
                    "kubernetes-enable-dra",
                    null,
                    "KUBERNETES_ENABLE_DRA",
                    BOOL,
                    WARNED,
                    "DRA attribution needs ResourceSlices from the Kubernetes API server, which aiwatch does not call"),
            flag(
                    "disable-startup-validate",
                    null,
                    "DISABLE_STARTUP_VALIDATE",
                    BOOL,
                    SAME_AS_DEFAULT,
                    "aiwatch never refuses to start over a missing GPU library; it serves without GPU metrics and says why"),
            flag(
                    "enable-gpu-bind-unbind-watch",
                    null,
                    "DCGM_EXPORTER_ENABLE_GPU_BIND_UNBIND_WATCH",
                    BOOL,
                    WARNED,
                    "devices are enumerated at start; restart the pod after binding or unbinding a GPU"),
            flag(
                    "gpu-bind-unbind-poll-interval",
                    null,
                    "DCGM_EXPORTER_GPU_BIND_UNBIND_POLL_INTERVAL",
                    STRING,
                    WARNED,
                    "devices are enumerated at start; restart the pod after binding or unbinding a GPU"),
            flag(
                    "enable-pprof",
                    null,
                    "DCGM_EXPORTER_ENABLE_PPROF",
                    BOOL,
                    WARNED,
                    "a JVM has no pprof; use jcmd or JFR on the process"),
            flag(
                    "web-systemd-socket",
                    null,
                    "DCGM_EXPORTER_SYSTEMD_SOCKET",
                    BOOL,
                    WARNED,
                    "systemd socket activation is not supported; aiwatch binds --address itself"));

    private static final Map<String, DcgmExporterFlag> BY_OPTION_NAME = new LinkedHashMap<>();

    static {
        for (DcgmExporterFlag f : ALL) {
            f.optionNames().forEach(n -> BY_OPTION_NAME.put(n, f));
        }
    }

    private static DcgmExporterFlag flag(
            String name, String alias, String env, Type type, Status status, String meaning) {
        return new DcgmExporterFlag(name, alias == null ? List.of() : List.of(alias), env, type, status, meaning);
    }

    /** Adds every flag to the daemon command, after its own options, under a heading of its own. */
    @Override
    public CommandSpec transform(CommandSpec spec) {
        CommandLine.Model.ArgGroupSpec.Builder group = CommandLine.Model.ArgGroupSpec.builder()
                .headingKey(null)
                .heading("%ndcgm-exporter flags (docs/DCGM_EXPORTER_FLAGS.md; a flag wins over its variable):%n");
        group.exclusive(false).multiplicity("0..1");
        for (DcgmExporterFlag f : ALL) {
            List<String> names = f.optionNames();
            OptionSpec.Builder b = OptionSpec.builder(names.toArray(String[]::new))
                    .description(describe(f))
                    .paramLabel(f.type() == INT ? "N" : f.type() == BOOL ? "BOOL" : "VALUE");
            switch (f.type()) {
                case BOOL -> b.type(String.class).arity("0..1").fallbackValue("true");
                case LIST -> b.type(List.class).auxiliaryTypes(String.class).splitRegex(",");
                default -> b.type(String.class).arity("1");
            }
            group.addArg(b.build());
        }
        spec.addArgGroup(group.build());
        return spec;
    }

    private static String describe(DcgmExporterFlag f) {
        String prefix = switch (f.status()) {
            case SUPPORTED -> "";
            case SAME_AS_DEFAULT -> "(always so) ";
            case WARNED -> "(ignored, warns) ";
        };
        return prefix + f.meaning() + " [$" + f.env() + "]";
    }

    /**
     * dcgm-exporter (Go's flag package) also takes long names with one dash ({@code -debug},
     * {@code -rbmn}); picocli needs two. Rewrites those arguments and leaves everything else alone.
     */
    public static String[] normalize(String... args) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            String a = out[i];
            if (a.equals("--")) {
                break;
            }
            if (a.startsWith("-") && !a.startsWith("--") && a.length() > 2) {
                String name = a.substring(1).split("=", 2)[0];
                if (BY_OPTION_NAME.containsKey("--" + name)) {
                    out[i] = "-" + a;
                }
            }
        }
        return out;
    }

    /** The flag with this option name ({@code --collectors}, {@code -f}), if it is one of dcgm-exporter's. */
    static DcgmExporterFlag byOptionName(String name) {
        return BY_OPTION_NAME.get(name);
    }

    /**
     * Whether a command line starts with a flag rather than a command (then the daemon runs);
     * {@code -h}, {@code --help}, {@code -V} and {@code --version} still ask the top-level command.
     */
    static boolean startsWithFlag(String... args) {
        return args.length > 0
                && args[0].startsWith("-")
                && !Set.of("-h", "--help", "-V", "--version").contains(args[0]);
    }

    /** What the command line gave for each flag (its option name set), before the environment. */
    static Map<DcgmExporterFlag, Object> given(CommandSpec spec) {
        Map<DcgmExporterFlag, Object> given = new LinkedHashMap<>();
        CommandLine.ParseResult parsed =
                spec.commandLine() == null ? null : spec.commandLine().getParseResult();
        for (DcgmExporterFlag f : ALL) {
            OptionSpec o = spec.findOption(f.optionNames().get(0));
            if (o != null && parsed != null && parsed.hasMatchedOption(o)) {
                given.put(f, o.getValue());
            }
        }
        return given;
    }

    static List<DcgmExporterFlag> withStatus(Status status) {
        List<DcgmExporterFlag> out = new ArrayList<>();
        ALL.stream().filter(f -> f.status() == status).forEach(out::add);
        return out;
    }
}
