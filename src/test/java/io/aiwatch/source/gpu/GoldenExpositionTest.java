package io.aiwatch.source.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.reader.exposition.TextFormat;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exposition of a simulated 8-GPU node is a public contract (names, labels, order, units).
 * It is compared byte for byte with the golden file; regenerate it on purpose only, with
 * {@code ./mvnw test -Dtest=GoldenExpositionTest -Dgolden.update=true}, and review the diff.
 */
class GoldenExpositionTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/simulated-8gpu.prom");

    static String render() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-26T12:00:00Z"));
        SimulatedGpuBackend backend = new SimulatedGpuBackend(8, 42, 30, clock, null);
        GpuHealth health = new GpuHealth();
        var settings = new GpuCollector.Settings("Hostname", "golden-node", 16);
        var procs = new ProcessIdentity(Path.of("/nonexistent"));
        List<GpuCollector> collectors = GpuCollector.all(
                backend,
                CountersFile.defaults(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                health,
                settings,
                procs);
        collectors.forEach(GpuCollector::collect);
        clock.advance(Duration.ofSeconds(1));
        backend.injectXid(3, 13);
        StringBuilder sb = new StringBuilder();
        for (GpuCollector c : collectors) { // fast, costly, slow: the daemon's order
            for (MetricFamily f : c.collect().families()) {
                TextFormat.write(sb, f);
            }
        }
        return sb.toString();
    }

    @Test
    void simulatedEightGpuNodeMatchesTheGoldenExposition() throws Exception {
        String actual = render();
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }

    @Test
    void goldenCoversEveryProvidedDefaultFieldForAllEightGpus() throws Exception {
        String golden = Files.readString(GOLDEN, StandardCharsets.UTF_8);
        for (CountersFile.Entry e : CountersFile.defaults().entries()) {
            if (e.field().kind() == DcgmField.Kind.LABEL) {
                assertThat(golden).contains(e.field().name() + "=\"");
                continue;
            }
            for (int gpu = 0; gpu < 8; gpu++) {
                assertThat(golden)
                        .as(e.field() + " gpu " + gpu)
                        .contains(e.field().name() + "{gpu=\"" + gpu + "\"");
            }
        }
    }
}
