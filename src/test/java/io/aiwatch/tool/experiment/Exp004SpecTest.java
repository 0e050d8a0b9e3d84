package io.aiwatch.tool.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.experiment.spec.LoadedSpec;
import io.aiwatch.tool.experiment.spec.SpecLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped EXP-004 (peer-to-peer) spec loads with the runner's strict loader, full and quick. */
class Exp004SpecTest {
    @Test
    void theShippedExp004SpecIsValidInFullAndQuick() throws Exception {
        Path spec = Path.of("experiments/exp-004-p2p/spec.yaml");
        LoadedSpec full = new SpecLoader(Plugins.discover()).load(spec, false);
        assertThat(full.spec().id()).isEqualTo("EXP-004");
        assertThat(full.plan().steps()).hasSize(4);
        assertThat(full.plan().iterations()).isEqualTo(3);
        LoadedSpec quick = new SpecLoader(Plugins.discover()).load(spec, true);
        assertThat(quick.plan().steps()).hasSize(2);
        assertThat(quick.plan().iterations()).isEqualTo(1);
    }
}
