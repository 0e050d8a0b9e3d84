package io.aiwatch.tool.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.tool.experiment.spec.LoadedSpec;
import io.aiwatch.tool.experiment.spec.SpecLoader;
import io.aiwatch.tool.experiment.spec.Step;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strict specs: every mistake stops the run before it starts, naming file:line. */
class SpecLoaderTest {
    static final Plugins PLUGINS = Plugins.discover().add(new FakeWorkloadType());
    static final Path FILE = Path.of("exp.yaml");

    static final String BASE = """
            id: T-1
            title: test
            hypothesis: latency grows with level
            workload:
              kind: fake
              level: 10
              rate: 1
            variables:
              - name: rate
                sweep: true
                levels: [1, 2, 4]
              - name: level
                levels: [10, 20, 30]
              - name: pair
                levels:
                  - {level: 5, requests: 10}
            """;

    private static LoadedSpec load(String text) throws SpecException {
        return new SpecLoader(PLUGINS).parse(FILE, text, false);
    }

    @Test
    void oneAtATimeRunsEachLevelWithTheOthersAtBaselineAndTheBaselineOnce() throws Exception {
        LoadedSpec s = load(BASE);
        // settings: baseline (level 10), level=20, level=30, pair: 4 settings x 3 rates
        assertThat(s.plan().steps()).hasSize(12);
        assertThat(s.plan().steps().stream().map(Step::settingLabel).distinct())
                .containsExactly("baseline", "level=20", "level=30", "pair={level:5 requests:10}");
        Step pair = s.plan().steps().get(9);
        assertThat(pair.parameters().asMap()).containsEntry("level", 5).containsEntry("requests", 10);
        assertThat(pair.variables()).containsExactly("pair");
        assertThat(s.plan().steps().get(0).variables()).containsExactly("level", "pair");
        assertThat(s.plan().x()).isEqualTo("rate");
        // interleaved: iteration 1 of every step before iteration 2 of any
        assertThat(s.plan().sequence()).hasSize(36);
        assertThat(s.plan().sequence().get(12).iteration()).isEqualTo(2);
        assertThat(s.plan().sequence().get(12).stepId()).isEqualTo("s01");
    }

    @Test
    void matrixRunsEveryCombination() throws Exception {
        LoadedSpec s = load(BASE + "design: matrix\norder: sequential\niterations: 2\n");
        assertThat(s.plan().steps()).hasSize(3 * 3 * 1);
        assertThat(s.plan().sequence().get(1).stepId()).isEqualTo("s01");
        assertThat(s.plan().sequence().get(1).iteration()).isEqualTo(2);
    }

    @Test
    void quickDropsLevelsAndShortens() throws Exception {
        String text = BASE + "duration: 60s\nquick: {iterations: 1, levels: {rate: [1], level: []}}\n";
        LoadedSpec s = new SpecLoader(PLUGINS).parse(FILE, text, true);
        assertThat(s.plan().iterations()).isEqualTo(1);
        assertThat(s.plan().duration()).hasSeconds(6);
        assertThat(s.plan().steps())
                .extracting(Step::settingLabel)
                .containsExactly("baseline", "pair={level:5 requests:10}");
    }

    @Test
    void unknownKeysFailWithTheirLine() {
        assertThatThrownBy(() -> load(BASE + "iteratons: 3\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("exp.yaml:17:")
                .hasMessageContaining("unknown key 'iteratons'");
    }

    @Test
    void aBadParameterOfOneLevelNamesTheLineOfThatLevel() {
        String text = BASE.replace("levels: [10, 20, 30]", "levels: [10, -20, 30]");
        assertThatThrownBy(() -> load(text))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("exp.yaml:13:")
                .hasMessageContaining("level: must be > 0");
        String unknown = BASE.replace("{level: 5, requests: 10}", "{level: 5, reqests: 10}");
        assertThatThrownBy(() -> load(unknown))
                .hasMessageStartingWith("exp.yaml:16:")
                .hasMessageContaining("reqests: unknown parameter for workload fake");
    }

    @Test
    void unknownKindsListTheKnownOnes() {
        assertThatThrownBy(() -> load(BASE.replace("kind: fake", "kind: fak")))
                .hasMessageStartingWith("exp.yaml:5:")
                .hasMessageContaining("unknown kind 'fak'")
                .hasMessageContaining("fake")
                .hasMessageContaining("loadgen");
        assertThatThrownBy(() -> load(BASE + "conditions:\n  - {kind: gpu_temprature, within_celsius: 3}\n"))
                .hasMessageStartingWith("exp.yaml:18:")
                .hasMessageContaining("gpu_temperature");
        assertThatThrownBy(() -> load(BASE + "conditions:\n  - {kind: gpu_temperature}\n"))
                .hasMessageStartingWith("exp.yaml:18:")
                .hasMessageContaining("within_celsius");
    }

    @Test
    void claimsMustNameStepsOfThePlanAndAHypothesisIsRequired() {
        String claim = BASE + "claims:\n  - statement: s\n    metric: m\n    expect: lower\n    when: {level: 99}\n";
        assertThatThrownBy(() -> load(claim))
                .hasMessageStartingWith("exp.yaml:21:")
                .hasMessageContaining("when");
        assertThatThrownBy(() -> load(BASE.replace("hypothesis: latency grows with level\n", "")))
                .hasMessageContaining("hypothesis: required");
        assertThatThrownBy(() -> load(BASE + "duration: 10 seconds\n"))
                .hasMessageStartingWith("exp.yaml:17:")
                .hasMessageContaining("not a duration");
    }

    @Test
    void theShippedExp003SpecIsValidInFullAndQuick() throws Exception {
        Path spec = Path.of("experiments/exp-003-latency-vs-load/spec.yaml");
        LoadedSpec full = new SpecLoader(Plugins.discover()).load(spec, false);
        assertThat(full.plan().steps()).hasSize(30);
        assertThat(full.plan().iterations()).isEqualTo(3);
        assertThat(full.workload().simulated(full.plan().steps().get(0).parameters()))
                .isTrue();
        LoadedSpec quick = new SpecLoader(Plugins.discover()).load(spec, true);
        assertThat(quick.plan().steps()).hasSizeLessThan(10);
        assertThat(List.of(quick.plan().duration().toSeconds())).containsExactly(2L);
    }
}
