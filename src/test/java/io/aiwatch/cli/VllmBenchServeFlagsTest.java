package io.aiwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadgen.workload.DatasetLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Holds {@code aiwatch loadgen}'s command line against vLLM's: every flag of {@code vllm bench
 * serve} (a copy of vLLM's argparse definitions in src/test/resources/reference/vllm) is either
 * an option with vLLM's name and default, or refused with a reason; every vLLM dataset and
 * backend likewise; and aiwatch's own options do not take a vLLM name for something else.
 */
class VllmBenchServeFlagsTest {
    /** One vLLM flag: name, argparse group, kind (flag, int, ...), default ("" for None) and choices. */
    record VllmFlag(String name, String group, String kind, String dflt, List<String> choices) {}

    static List<VllmFlag> vllmFlags() throws IOException {
        List<VllmFlag> out = new ArrayList<>();
        try (InputStream in =
                VllmBenchServeFlagsTest.class.getResourceAsStream("/reference/vllm/bench_serve_flags.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] c = line.split("\t", -1);
                out.add(new VllmFlag(c[0], c[1], c[2], c[3], c[4].isEmpty() ? List.of() : List.of(c[4].split(","))));
            }
        }
        return out;
    }

    private static CommandLine.Model.CommandSpec spec() {
        return new CommandLine(new LoadgenCommand()).getCommandSpec();
    }

    @Test
    void everyVllmFlagIsImplementedWithItsDefaultOrRefusedWithAReason() throws IOException {
        List<VllmFlag> flags = vllmFlags();
        assertThat(flags).hasSizeGreaterThan(100);
        List<String> implemented = new ArrayList<>();
        for (VllmFlag f : flags) {
            OptionSpec o = spec().findOption(f.name());
            String reason = RefusedFlags.FLAGS.get(f.name());
            assertThat(o != null ^ reason != null)
                    .as("%s must be either an option or refused (option=%s, refused=%s)", f.name(), o, reason)
                    .isTrue();
            if (o == null) {
                assertThat(reason).as(f.name()).hasSizeGreaterThan(20);
                continue;
            }
            implemented.add(f.name());
            if (f.kind().equals("flag")) {
                assertThat(o.arity().max())
                        .as(f.name() + " takes no value, as in vLLM")
                        .isZero();
            } else if (f.kind().equals("list")) {
                assertThat(o.arity().max())
                        .as(f.name() + " takes values, as in vLLM")
                        .isGreaterThan(1);
            } else {
                assertThat(o.arity().min())
                        .as(f.name() + " takes a value, as in vLLM")
                        .isPositive();
            }
            String ours = o.defaultValue();
            if (f.kind().equals("flag") || f.dflt().isEmpty() || f.dflt().startsWith("bench-")) {
                assertThat(ours).as(f.name() + " has no default, as in vLLM").isNull();
            } else {
                assertThat(ours).as(f.name() + " default").isEqualTo(f.dflt());
            }
        }
        assertThat(implemented).hasSizeGreaterThan(70);
    }

    @Test
    void everyVllmDatasetAndBackendIsBuiltOrRefused() throws IOException {
        for (VllmFlag f : vllmFlags()) {
            if (f.name().equals("--dataset-name")) {
                for (String d : f.choices()) {
                    assertThat(DatasetLoader.NAMES.contains(d) ^ RefusedFlags.DATASETS.containsKey(d))
                            .as("dataset " + d)
                            .isTrue();
                }
            }
            if (f.name().equals("--backend")) {
                for (String b : f.choices()) {
                    assertThat(List.of("openai", "vllm", "openai-chat").contains(b)
                                    ^ RefusedFlags.BACKENDS.containsKey(b))
                            .as("backend " + b)
                            .isTrue();
                }
            }
        }
    }

    @Test
    void aiwatchsOwnOptionsUseNamesVllmDoesNotHave() throws IOException {
        Set<String> vllm = new LinkedHashSet<>();
        vllmFlags().forEach(f -> vllm.add(f.name()));
        List<String> own = new ArrayList<>();
        for (OptionSpec o : spec().options()) {
            for (String n : o.names()) {
                if (!vllm.contains(n)
                        && !n.equals("-h")
                        && !n.equals("--help")
                        && !n.equals("-V")
                        && !n.equals("--version")) {
                    own.add(n);
                }
            }
        }
        // aiwatch's renamed non-streaming switch, and the extras it adds beside vLLM's flags
        assertThat(own).contains("--disable-response-streaming", "--fail-on-error", "--api-key", "--duration");
        assertThat(RefusedFlags.FLAGS.keySet()).allSatisfy(r -> assertThat(vllm).contains(r));
    }

    /**
     * docs/LOADGEN.md holds the table of every vLLM flag with what aiwatch does with it, generated
     * from the same two lists; {@code -Dregenerate.docs=true} rewrites it.
     */
    @Test
    void theDocsTableListsEveryVllmFlag() throws IOException {
        StringBuilder t = new StringBuilder(BEGIN);
        t.append('\n')
                .append("| vLLM flag | argparse group | vLLM default | aiwatch |")
                .append('\n');
        t.append("|---|---|---|---|").append('\n');
        for (VllmFlag f : vllmFlags()) {
            String reason = RefusedFlags.FLAGS.get(f.name());
            t.append("| `")
                    .append(f.name())
                    .append("` | ")
                    .append(f.group())
                    .append(" | ")
                    .append(f.dflt().isEmpty() ? "None" : "`" + f.dflt() + "`")
                    .append(" | ")
                    .append(reason == null ? "same meaning and default" : "refused: " + reason.replace("|", "\\|"))
                    .append(" |")
                    .append('\n');
        }
        t.append(END);
        java.nio.file.Path doc = java.nio.file.Path.of("docs/LOADGEN.md");
        String text = java.nio.file.Files.readString(doc);
        int a = text.indexOf(BEGIN);
        int b = text.indexOf(END);
        if (Boolean.getBoolean("regenerate.docs") && a >= 0 && b > a) {
            java.nio.file.Files.writeString(doc, text.substring(0, a) + t + text.substring(b + END.length()));
            text = java.nio.file.Files.readString(doc);
        }
        assertThat(text).contains(t.toString());
    }

    private static final String BEGIN =
            "<!-- vllm-flags: generated from src/test/resources/reference/vllm/bench_serve_flags.tsv"
                    + " and RefusedFlags by VllmBenchServeFlagsTest -->";
    private static final String END = "<!-- /vllm-flags -->";

    @Test
    void aRefusedFlagStopsTheRunWithItsReason() {
        assertThat(RefusedFlags.check(List.of("--hf-subset", "train")))
                .startsWith("--hf-subset is not supported: ")
                .contains("Hub");
        assertThat(RefusedFlags.check(List.of("--probe-request-rate=2"))).startsWith("--probe-request-rate is not");
        assertThat(RefusedFlags.check(List.of("--nope"))).contains("unknown option '--nope'");
        assertThat(RefusedFlags.check(List.of())).isNull();
    }
}
