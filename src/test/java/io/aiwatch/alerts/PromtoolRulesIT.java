package io.aiwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.it.ExternalProgram;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** promtool (Debian's Prometheus 2.42) validates every rule file and passes every rule unit test. */
class PromtoolRulesIT {
    @Test
    void promtoolAcceptsTheRuleFiles() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(promtool(), "check", "rules"));
        RuleFiles.ruleFiles().forEach(p -> cmd.add(p.toString()));
        Result r = run(cmd);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).as(r.output).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void promtoolRuleUnitTestsPass() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(promtool(), "test", "rules"));
        List<Path> tests = RuleFiles.testFiles();
        assertThat(tests).hasSizeGreaterThanOrEqualTo(4);
        tests.forEach(p -> cmd.add(p.toString()));
        Result r = run(cmd);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output.split("SUCCESS", -1)).as(r.output).hasSize(tests.size() + 1);
    }

    @Test
    void aBrokenExpectationMakesPromtoolFail() throws Exception {
        // Guards the two tests above against a promtool that passes anything.
        Path dir = java.nio.file.Files.createTempDirectory("alerts-neg");
        Path t = dir.resolve("neg.test.yml");
        java.nio.file.Files.writeString(
                t, """
                rule_files: [%s]
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'aiwatch_gpu_up{gpu="0",instance="h",job="aiwatch"}'
                        values: '1x10'
                    alert_rule_test:
                      - eval_time: 10m
                        alertname: GpuLost
                        exp_alerts:
                          - exp_labels: {severity: critical, gpu: "0", instance: h, job: aiwatch}
                """.formatted(Path.of("alerts/gpu.rules.yml").toAbsolutePath()));
        Result r = run(List.of(promtool(), "test", "rules", t.toString()));
        assertThat(r.exit).as(r.output).isNotZero();
        assertThat(r.output).contains("FAILED");
    }

    private static String promtool() {
        return ExternalProgram.require("/usr/bin/promtool", "prometheus").toString();
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish in 120 s: " + cmd);
        }
        return new Result(p.exitValue(), out);
    }
}
