package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.config.ConfigException;
import io.aiwatch.daemon.DaemonConfig;
import io.aiwatch.source.kubernetes.KubernetesConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * dcgm-exporter's command line against its own source: {@code reference/dcgm-exporter/app.go} is
 * its {@code pkg/cmd/app.go}. Every flag there must be in {@link DcgmExporterFlags#ALL} with the
 * same names and variable, parse on the daemon command, and either work or warn.
 */
class DcgmExporterFlagsTest {

    /** A flag as app.go declares it. */
    record GoFlag(String name, List<String> aliases, String env, String type) {}

    static List<GoFlag> upstreamFlags() throws Exception {
        String src = Files.readString(Path.of("src/test/resources/reference/dcgm-exporter/app.go"));
        Map<String, String> constants = new LinkedHashMap<>();
        Matcher c = Pattern.compile("(CLI\\w+)\\s*=\\s*\"([^\"]+)\"").matcher(src);
        while (c.find()) {
            constants.put(c.group(1), c.group(2));
        }
        List<GoFlag> flags = new ArrayList<>();
        Matcher f = Pattern.compile("&cli\\.(\\w+)Flag\\{(.*?)\\n\\s*}", Pattern.DOTALL)
                .matcher(src);
        while (f.find()) {
            String body = f.group(2);
            Matcher name = Pattern.compile("Name:\\s*(CLI\\w+)").matcher(body);
            assertThat(name.find()).as("flag without a Name constant: %s", body).isTrue();
            List<String> aliases = new ArrayList<>();
            Matcher a = Pattern.compile("Aliases:\\s*\\[]string\\{([^}]*)}").matcher(body);
            if (a.find()) {
                for (String s : a.group(1).split(",")) {
                    aliases.add(s.trim().replace("\"", ""));
                }
            }
            Matcher env =
                    Pattern.compile("EnvVars:\\s*\\[]string\\{\"([^\"]+)\"}").matcher(body);
            assertThat(env.find()).as("flag without EnvVars: %s", body).isTrue();
            flags.add(new GoFlag(constants.get(name.group(1)), aliases, env.group(1), f.group(1)));
        }
        return flags;
    }

    @Test
    void everyUpstreamFlagIsSupportedOrWarnedWithTheSameNamesAndVariable() throws Exception {
        List<GoFlag> upstream = upstreamFlags();
        assertThat(upstream).hasSizeGreaterThanOrEqualTo(38);
        for (GoFlag g : upstream) {
            DcgmExporterFlag ours = DcgmExporterFlags.byOptionName("--" + g.name());
            assertThat(ours)
                    .as("dcgm-exporter flag --%s is unknown to aiwatch", g.name())
                    .isNotNull();
            assertThat(ours.aliases()).as("aliases of --%s", g.name()).isEqualTo(g.aliases());
            assertThat(ours.env()).as("variable of --%s", g.name()).isEqualTo(g.env());
            String expectedType = switch (g.type()) {
                case "Bool" -> "BOOL";
                case "Int" -> "INT";
                case "StringSlice" -> "LIST";
                default -> "STRING";
            };
            assertThat(ours.type().name()).as("type of --%s", g.name()).isEqualTo(expectedType);
            assertThat(ours.meaning()).isNotBlank();
        }
        assertThat(DcgmExporterFlags.ALL)
                .extracting(DcgmExporterFlag::name)
                .containsExactlyInAnyOrderElementsOf(
                        upstream.stream().map(GoFlag::name).toList());
    }

    @Test
    void everyFlagParsesOnTheDaemonCommandInEverySpelling() throws Exception {
        // four command lines, each giving every flag: --name=v, --name v (bare for booleans),
        // -name=v as Go allows (rewritten by normalize), and each alias
        List<List<String>> lines = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (DcgmExporterFlag f : DcgmExporterFlags.ALL) {
            String value = switch (f.type()) {
                case BOOL -> "true";
                case INT -> "1000";
                case LIST -> "a,b";
                case STRING -> "some-value";
            };
            String name = f.optionNames().get(0);
            lines.get(0).add(name + "=" + value);
            lines.get(1).add(name);
            if (f.type() != DcgmExporterFlag.Type.BOOL) {
                lines.get(1).add(value);
            }
            lines.get(2).add(name.substring(1) + "=" + value);
            String alias = f.optionNames().get(f.optionNames().size() - 1);
            lines.get(3).add(alias.startsWith("--") && alias.length() > 3 ? alias.substring(1) : alias);
            if (f.type() != DcgmExporterFlag.Type.BOOL) {
                lines.get(3).add(value);
            }
        }
        for (List<String> line : lines) {
            DaemonCommand cmd = new DaemonCommand();
            new CommandLine(cmd).parseArgs(DcgmExporterFlags.normalize(line.toArray(String[]::new)));
            DcgmExporterSettings s = DcgmExporterSettings.resolve(cmd.spec, Map.of());
            assertThat(s.values().keySet()).as(String.join(" ", line)).containsExactlyElementsOf(DcgmExporterFlags.ALL);
            assertThat(s.values().get(DcgmExporterFlags.byOptionName("--collect-interval")))
                    .isEqualTo("1000");
        }
    }

    @Test
    void variablesApplyAndAFlagWinsOverItsVariable() throws Exception {
        DaemonCommand cmd = new DaemonCommand();
        new CommandLine(cmd).parseArgs("-a", "127.0.0.1:9500");
        DcgmExporterSettings s = DcgmExporterSettings.resolve(
                cmd.spec,
                Map.of(
                        "DCGM_EXPORTER_LISTEN", ":9999",
                        "DCGM_EXPORTER_KUBERNETES", "true",
                        "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE", "device-name",
                        "DCGM_POD_RESOURCES_KUBELET_SOCKET", "/run/k.sock",
                        "NVIDIA_RESOURCE_NAMES", "nvidia.com/a100,nvidia.com/h100",
                        "DCGM_EXPORTER_INTERVAL", "2500",
                        "DCGM_EXPORTER_DEVICES_STR", "g:0,2-3",
                        "DCGM_EXPORTER_REPLACE_BLANKS_IN_MODEL_NAME", "1",
                        "DCGM_EXPORTER_NO_HOSTNAME", "T"));
        DaemonConfig cfg = s.applyTo(DaemonConfig.defaults());
        assertThat(cfg.listen()).isEqualTo("127.0.0.1:9500");
        KubernetesConfig k = cfg.kubernetes();
        assertThat(k.enabled()).isTrue();
        assertThat(k.gpuIdType()).isEqualTo("device-name");
        assertThat(k.socket()).isEqualTo("/run/k.sock");
        assertThat(k.resourceNames()).containsExactly("nvidia.com/a100", "nvidia.com/h100");
        assertThat(cfg.gpu().intervalDuration().toMillis()).isEqualTo(2500);
        assertThat(cfg.gpu().devices()).isEqualTo("g:0,2-3");
        assertThat(cfg.gpu().replaceBlanksInModelName()).isTrue();
        assertThat(cfg.gpu().hostnameLabel()).isEqualTo("none");
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void flagsThatCannotApplyWarnOnceEachNamingFlagAndReason() throws Exception {
        DaemonCommand cmd = new DaemonCommand();
        new CommandLine(cmd).parseArgs("-r", "localhost:5555", "--enable-pprof", "--fake-gpus=false", "-s", "f");
        DcgmExporterSettings s =
                DcgmExporterSettings.resolve(cmd.spec, Map.of("DCGM_EXPORTER_CONFIGMAP_DATA", "default:counters"));
        assertThat(s.warnings())
                .containsExactly(
                        "$DCGM_EXPORTER_CONFIGMAP_DATA=default:counters ignored: aiwatch does not read the Kubernetes"
                                + " API for counters; mount the ConfigMap as a file and pass it with -f",
                        "--remote-hostengine-info=localhost:5555 ignored: there is no DCGM host engine:"
                                + " aiwatch reads NVML in its own process",
                        "--switch-devices=f ignored: NvSwitch and NVLink entities need DCGM;"
                                + " aiwatch reports GPUs and MIG instances only",
                        "--enable-pprof=true ignored: a JVM has no pprof; use jcmd or JFR on the process");
    }

    @Test
    void badValuesAreConfigurationErrorsNamingTheVariable() {
        DaemonCommand cmd = new DaemonCommand();
        new CommandLine(cmd).parseArgs();
        assertThatThrownBy(() -> DcgmExporterSettings.resolve(cmd.spec, Map.of("DCGM_EXPORTER_KUBERNETES", "yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("$DCGM_EXPORTER_KUBERNETES: 'yes' is not true or false");
        assertThatThrownBy(() -> DcgmExporterSettings.resolve(cmd.spec, Map.of("DCGM_EXPORTER_INTERVAL", "30s")))
                .hasMessage("$DCGM_EXPORTER_INTERVAL: '30s' is not a whole number");
        assertThatThrownBy(() -> DcgmExporterSettings.resolve(cmd.spec, Map.of("DCGM_EXPORTER_DEVICES_STR", "x:1"))
                        .applyTo(DaemonConfig.defaults()))
                .hasMessageContaining("the only valid options are f, g[:ids] and i[:ids]");
    }

    @Test
    void dcgmExporterDefaultCounterPathsFallBackToTheBuiltInList() throws Exception {
        DaemonCommand cmd = new DaemonCommand();
        new CommandLine(cmd).parseArgs("-f", "/etc/dcgm-exporter/dcp-metrics-included.csv");
        DcgmExporterSettings s = DcgmExporterSettings.resolve(cmd.spec, Map.of());
        assertThat(s.applyTo(DaemonConfig.defaults()).gpu().collectorsFile()).isNull();
        assertThat(s.warnings())
                .containsExactly("--collectors /etc/dcgm-exporter/dcp-metrics-included.csv: no such file;"
                        + " using aiwatch's built-in default-counters.csv (the same fields)");
    }

    @Test
    void flagsWithoutACommandRunTheDaemon(@TempDir Path dir) throws Exception {
        // the chart's args, unchanged: the daemon starts and refuses the broken CSV with exit 2
        Path csv = Files.writeString(dir.resolve("c.csv"), "DCGM_FI_DEV_GPU_TEMP, guage, t\n");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("-f", csv.toString(), "-a", "127.0.0.1:0", "--simulate-gpus", "1");
        } finally {
            System.setErr(oldErr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(csv + ":1: type 'guage' of DCGM_FI_DEV_GPU_TEMP");
    }

    @Test
    void flagTableInTheDocsListsEveryFlagWithItsStatus() throws Exception {
        Path doc = Path.of("docs/DCGM_EXPORTER_FLAGS.md");
        String text = Files.readString(doc);
        String begin = "<!-- flag table: generated by DcgmExporterFlagsTest -->\n";
        String end = "<!-- end of flag table -->";
        String table = table();
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as("%s has no flag table markers", doc).isNotNegative();
        String updated = text.substring(0, from + begin.length()) + table + text.substring(to);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(doc, updated);
        }
        assertThat(text).isEqualTo(updated);
    }

    static String table() {
        StringBuilder b = new StringBuilder("| flag | variable | status | in aiwatch |\n|---|---|---|---|\n");
        for (DcgmExporterFlag f : DcgmExporterFlags.ALL) {
            String status = switch (f.status()) {
                case SUPPORTED -> "supported";
                case SAME_AS_DEFAULT -> "always so";
                case WARNED -> "warns";
            };
            b.append("| `")
                    .append(String.join("`, `", f.optionNames()))
                    .append("` | `")
                    .append(f.env())
                    .append("` | ")
                    .append(status)
                    .append(" | ")
                    .append(f.meaning().replace("|", "\\|"))
                    .append(" |\n");
        }
        return b.toString();
    }
}
