package io.aiwatch.tool.loadbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadbench.BlockDevices;
import io.aiwatch.tool.loadbench.DiscardDestination;
import io.aiwatch.tool.loadbench.ModelLoader;
import io.aiwatch.tool.loadbench.PageCache;
import io.aiwatch.tool.loadbench.ReadMethod;
import io.aiwatch.tool.loadbench.SafetensorsHeader;
import io.aiwatch.tool.loadbench.ScratchDir;
import io.aiwatch.tool.loadbench.SyntheticModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On this machine's real disk: the daemon's storage collectors see a cold load as the loader does.
 * The loader's own {@code /proc/PID/io} read_bytes and the disk's diskstats read bytes both match the
 * bytes the benchmark read, within a few percent (other processes may read the same disk meanwhile).
 */
class DaemonAgreementTest {
    private static ScratchDir scratch;
    private static Path file;
    private static SafetensorsHeader header;

    @BeforeAll
    static void writeModel() throws Exception {
        scratch = new ScratchDir();
        file = scratch.path.resolve("model.safetensors");
        header = SyntheticModel.write(file, 64L << 20, 11);
    }

    @AfterAll
    static void clean() throws Exception {
        scratch.close();
    }

    @ParameterizedTest
    @EnumSource(ReadMethod.class)
    void daemonAndLoaderAgreeOnAColdLoad(ReadMethod method) throws Exception {
        List<String> devices = new BlockDevices().of(file);
        assertThat(devices).as("block device under %s", file).isNotEmpty();
        DaemonObserver daemon = new DaemonObserver();
        new PageCache().drop(file, PageCache.DropMethod.FADVISE);
        DaemonObserver.Mark before = daemon.mark();
        ModelLoader.Timing t = ModelLoader.load(file, header, method, 2, 1 << 20, new DiscardDestination());
        DaemonObserver.Seen seen = daemon.since(before, devices);
        double bytes = t.bytes();
        System.out.printf(
                "%s: loaded %d, process read_bytes %d, %s%n",
                method, t.bytes(), seen.processReadBytes(), seen.devices());
        assertThat(seen.processReadBytes() / bytes)
                .as("process read_bytes / loaded")
                .isBetween(0.97, 1.03);
        DaemonObserver.DeviceSeen disk = seen.devices().get(0);
        assertThat(disk.readBytes() / bytes)
                .as("disk %s read bytes / loaded", disk.device())
                .isBetween(0.97, 1.10);
        assertThat(disk.readsCompleted()).isPositive();
        assertThat(disk.readTimeSeconds()).isPositive();
        assertThat(disk.deviceClass()).isNotEqualTo("unknown");
    }
}
