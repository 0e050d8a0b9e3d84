package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.reader.exposition.TextFormat;
import io.aiwatch.source.gpu.GpuTopology;
import io.aiwatch.source.gpu.GpuTopologyCollector;
import io.aiwatch.source.gpu.NvmlReturn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** NVLink topology read through the fake libnvidia-ml: an NVSwitch node, a partial mesh, one GPU. */
class NvmlTopologyTest {
    private FakeNvmlTopology fake;
    private NvmlBackend backend;
    private NvmlTopology topology;
    private Handler handler;

    @BeforeEach
    void setUp() {
        fake = FakeNvmlTopology.load();
    }

    @AfterEach
    void tearDown() {
        if (topology != null) {
            topology.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (handler != null) {
            Logger.getLogger(GpuTopologyCollector.class.getName()).removeHandler(handler);
        }
        fake.fake_topology_reset();
        fake.fake_reset();
    }

    private GpuTopologyCollector start() throws Exception {
        backend = FakeNvml.backend();
        topology = NvmlTopology.open(Optional.of(FakeNvmlTopology.path()), backend.devices());
        return new GpuTopologyCollector(topology, backend.devices(), Duration.ofSeconds(60));
    }

    /** The exposition lines of one family, as the text format writes them. */
    private static List<String> lines(Snapshot s, String family) {
        List<String> out = new ArrayList<>();
        for (MetricFamily f : s.families()) {
            if (f.name().equals(family)) {
                for (Sample x : f.samples()) {
                    StringBuilder b = new StringBuilder();
                    TextFormat.writeSample(b, x);
                    out.add(b.toString().strip());
                }
            }
        }
        return out;
    }

    private static String uuid(int gpu) {
        return "GPU-00000000-0000-0000-0000-00000000000" + gpu;
    }

    private static String pair(int a, int b) {
        return "gpu=\"" + a + "\",UUID=\"" + uuid(a) + "\",peer_gpu=\"" + b + "\",peer_uuid=\"" + uuid(b) + "\"";
    }

    @Test
    void partialMeshShowsLinkCountsPciePathsAndP2pPerOrderedPair() throws Exception {
        fake.mesh4();
        Snapshot s = start().collect();

        assertThat(lines(s, "aiwatch_gpu_nvlink_links"))
                .containsExactly(
                        "aiwatch_gpu_nvlink_links{" + pair(0, 1) + ",via=\"direct\"} 4",
                        "aiwatch_gpu_nvlink_links{" + pair(0, 2) + ",via=\"direct\"} 2",
                        "aiwatch_gpu_nvlink_links{" + pair(1, 0) + ",via=\"direct\"} 4",
                        "aiwatch_gpu_nvlink_links{" + pair(1, 3) + ",via=\"direct\"} 2",
                        "aiwatch_gpu_nvlink_links{" + pair(2, 0) + ",via=\"direct\"} 2",
                        "aiwatch_gpu_nvlink_links{" + pair(2, 3) + ",via=\"direct\"} 4",
                        "aiwatch_gpu_nvlink_links{" + pair(3, 1) + ",via=\"direct\"} 2",
                        "aiwatch_gpu_nvlink_links{" + pair(3, 2) + ",via=\"direct\"} 4");
        assertThat(lines(s, "aiwatch_gpu_pair_info"))
                .containsExactly(
                        info(0, 1, "NV4", "PHB", "OK"),
                        info(0, 2, "NV2", "NODE", "OK"),
                        info(0, 3, "SYS", "SYS", "NotSupported"),
                        info(1, 0, "NV4", "PHB", "OK"),
                        info(1, 2, "SYS", "SYS", "NotSupported"),
                        info(1, 3, "NV2", "NODE", "OK"),
                        info(2, 0, "NV2", "NODE", "OK"),
                        info(2, 1, "SYS", "SYS", "NotSupported"),
                        info(2, 3, "NV4", "PHB", "OK"),
                        info(3, 0, "SYS", "SYS", "NotSupported"),
                        info(3, 1, "NV2", "NODE", "OK"),
                        info(3, 2, "NV4", "PHB", "OK"));
        List<String> active = lines(s, "aiwatch_gpu_nvlink_link_active");
        assertThat(active).hasSize(6 + 6 + 6 + 7);
        assertThat(active)
                .contains(
                        "aiwatch_gpu_nvlink_link_active{gpu=\"0\",UUID=\"" + uuid(0)
                                + "\",link=\"4\",remote_type=\"gpu\",peer_gpu=\"2\",peer_uuid=\"" + uuid(2) + "\"} 1",
                        "aiwatch_gpu_nvlink_link_active{gpu=\"3\",UUID=\"" + uuid(3)
                                + "\",link=\"6\",remote_type=\"unknown\"} 0");
        assertThat(active.stream().filter(l -> l.endsWith(" 0"))).hasSize(1);

        GpuTopology t = s.detail(GpuTopology.KEY);
        assertThat(t.pair(0, 1).matrixCell()).isEqualTo("NV4");
        assertThat(t.links().get(0).remotePciBusId()).isEqualTo("00000000:19:00.0");
    }

    private static String info(int a, int b, String path, String pcie, String p2p) {
        return "aiwatch_gpu_pair_info{" + pair(a, b) + ",path=\"" + path + "\",pcie_path=\"" + pcie + "\",nvlink_p2p=\""
                + p2p + "\"} 1";
    }

    @Test
    void nvSwitchNodeJoinsEveryPairThroughEighteenLinks() throws Exception {
        fake.nvswitch8();
        Snapshot s = start().collect();

        List<String> active = lines(s, "aiwatch_gpu_nvlink_link_active");
        assertThat(active).hasSize(8 * 18).allMatch(l -> l.contains("remote_type=\"nvswitch\"") && l.endsWith("} 1"));
        assertThat(active).noneMatch(l -> l.contains("peer_gpu"));
        List<String> links = lines(s, "aiwatch_gpu_nvlink_links");
        assertThat(links).hasSize(8 * 7).allMatch(l -> l.endsWith(",via=\"nvswitch\"} 18"));
        assertThat(links.get(0)).isEqualTo("aiwatch_gpu_nvlink_links{" + pair(0, 1) + ",via=\"nvswitch\"} 18");
        List<String> info = lines(s, "aiwatch_gpu_pair_info");
        assertThat(info).hasSize(56).allMatch(l -> l.contains("path=\"NV18\"") && l.contains("nvlink_p2p=\"OK\""));
        assertThat(info).contains(info(0, 5, "NV18", "SYS", "OK"), info(6, 7, "NV18", "NODE", "OK"));
        assertThat(s.detail(GpuTopology.KEY).links().get(5).remotePciBusId()).isEqualTo("00000000:06:00.0");
    }

    @Test
    void oneGpuWithoutNvlinkGivesNoSeriesAndNoWarningsOnEveryRead() throws Exception {
        fake.fake_set_device_count(1);
        List<LogRecord> warnings = capture();
        GpuTopologyCollector c = start();
        Snapshot first = c.collect();
        Snapshot second = c.collect();
        assertThat(first.families()).isEmpty();
        assertThat(second.families()).isEmpty();
        assertThat(second.detail(GpuTopology.KEY).isEmpty()).isTrue();
        assertThat(warnings).isEmpty();
        // 18 link-state calls per read, each answered NOT_SUPPORTED, nothing else asked
        assertThat(fake.fake_topology_calls()).isEqualTo(2 * 18);
    }

    @Test
    void aLoneGpuWhoseLinksAllReportDownGivesNoSeriesButOneDownGpuOnALinkedNodeShows() throws Exception {
        fake.fake_set_device_count(1);
        for (int link = 0; link < 18; link++) {
            fake.fake_nvlink_set(0, link, 0, FakeNvmlTopology.GPU, 0, 0, 0);
        }
        assertThat(start().collect().families()).isEmpty();
        tearDown();
        fake = FakeNvmlTopology.load();
        fake.nvswitch8();
        for (int link = 0; link < 18; link++) {
            fake.fake_nvlink_set(7, link, 0, FakeNvmlTopology.SWITCH, 0, 0x05, 0);
        }
        Snapshot s = start().collect();
        assertThat(lines(s, "aiwatch_gpu_nvlink_link_active").stream().filter(l -> l.endsWith("} 0")))
                .hasSize(18)
                .allMatch(l -> l.contains("gpu=\"7\""));
        assertThat(lines(s, "aiwatch_gpu_nvlink_links")).hasSize(6 * 7);
        assertThat(lines(s, "aiwatch_gpu_pair_info")).contains(info(7, 0, "SYS", "SYS", "OK"));
    }

    @Test
    void anErrorIsLoggedOnceAndTheRestStillRead() throws Exception {
        fake.mesh4();
        fake.fake_topology_fail("nvmlDeviceGetP2PStatus", NvmlReturn.UNKNOWN.code());
        List<LogRecord> warnings = capture();
        GpuTopologyCollector c = start();
        c.collect();
        Snapshot s = c.collect();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getMessage()).contains("nvmlDeviceGetP2PStatus returned");
        assertThat(lines(s, "aiwatch_gpu_nvlink_links")).hasSize(8);
        assertThat(lines(s, "aiwatch_gpu_pair_info")).contains(info(0, 1, "NV4", "PHB", "Unknown"));
    }

    private List<LogRecord> capture() {
        List<LogRecord> records = new ArrayList<>();
        handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger.getLogger(GpuTopologyCollector.class.getName()).addHandler(handler);
        return records;
    }
}
