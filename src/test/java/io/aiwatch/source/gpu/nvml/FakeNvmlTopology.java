package io.aiwatch.source.gpu.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Control functions of the fake NVML's topology part ({@code src/test/c/fake_nvml_topology.c}) and the
 * two layouts the tests use. Public so the daemon tests can lay out a node too.
 */
public interface FakeNvmlTopology extends Library {
    /** nvmlIntNvLinkDeviceType_t. */
    int GPU = 0;

    int SWITCH = 2;

    /** nvmlGpuTopologyLevel_t. */
    int PHB = 30;

    int NODE = 40;

    int SYS = 50;

    /** nvmlGpuP2PStatus_t. */
    int P2P_OK = 0;

    int P2P_NOT_SUPPORTED = 5;

    static Path path() {
        String p = System.getProperty("aiwatch.fakeNvml");
        if (p == null || !Files.exists(Path.of(p))) {
            throw new IllegalStateException("fake NVML not built: system property aiwatch.fakeNvml=" + p
                    + " (run through Maven, which compiles src/test/c/fake_nvml*.c)");
        }
        return Path.of(p);
    }

    /** The fake with its per-GPU values and its topology reset (two GPUs, no NVLink). */
    static FakeNvmlTopology load() {
        FakeNvmlTopology fake = Native.load(path().toString(), FakeNvmlTopology.class);
        fake.fake_reset();
        fake.fake_topology_reset();
        return fake;
    }

    void fake_reset();

    void fake_set_device_count(int n);

    void fake_topology_reset();

    void fake_nvlink_set(int dev, int link, int active, int type, int domain, int bus, int device);

    void fake_p2p_set(int a, int b, int status);

    void fake_topology_level_set(int a, int b, int level);

    void fake_topology_fail(String function, int rc);

    int fake_topology_calls();

    /** The fake GPU {@code dev}'s PCI bus (fake_nvml.c: 0x18 + index, domain 0, device 0). */
    static int bus(int dev) {
        return 0x18 + dev;
    }

    /**
     * An HGX H100-like node: 8 GPUs, each with its 18 links up to four NVSwitches on buses 0x05–0x08 (5, 4,
     * 4 and 5 links); GPUs 0–3 under one CPU, 4–7 under the other; NVLink P2P OK everywhere.
     */
    default void nvswitch8() {
        fake_set_device_count(8);
        int[] perSwitch = {5, 4, 4, 5};
        for (int g = 0; g < 8; g++) {
            int link = 0;
            for (int sw = 0; sw < 4; sw++) {
                for (int i = 0; i < perSwitch[sw]; i++) {
                    fake_nvlink_set(g, link++, 1, SWITCH, 0, 0x05 + sw, 0);
                }
            }
            for (int h = 0; h < 8; h++) {
                if (h != g) {
                    fake_p2p_set(g, h, P2P_OK);
                    fake_topology_level_set(g, h, (g < 4) == (h < 4) ? NODE : SYS);
                }
            }
        }
    }

    /**
     * Four GPUs in a partial mesh: 0–1 and 2–3 joined by 4 links, 0–2 and 1–3 by 2, 0–3 and 1–2 not at all
     * (PCIe SYS, P2P over NVLink NOT_SUPPORTED); GPU 3's link 6 is down.
     */
    default void mesh4() {
        fake_set_device_count(4);
        int[][] plan = {
            {1, 1, 1, 1, 2, 2}, // GPU 0: links 0-3 to GPU 1, 4-5 to GPU 2
            {0, 0, 0, 0, 3, 3}, // GPU 1
            {0, 0, 3, 3, 3, 3}, // GPU 2
            {1, 1, 2, 2, 2, 2}, // GPU 3
        };
        for (int g = 0; g < 4; g++) {
            for (int link = 0; link < plan[g].length; link++) {
                fake_nvlink_set(g, link, 1, GPU, 0, bus(plan[g][link]), 0);
            }
        }
        fake_nvlink_set(3, 6, 0, GPU, 0, 0, 0);
        int[][] levels = {{0, 1, PHB}, {0, 2, NODE}, {0, 3, SYS}, {1, 2, SYS}, {1, 3, NODE}, {2, 3, PHB}};
        for (int[] l : levels) {
            fake_topology_level_set(l[0], l[1], l[2]);
            boolean linked = !(l[0] == 0 && l[1] == 3) && !(l[0] == 1 && l[1] == 2);
            fake_p2p_set(l[0], l[1], linked ? P2P_OK : P2P_NOT_SUPPORTED);
            fake_p2p_set(l[1], l[0], linked ? P2P_OK : P2P_NOT_SUPPORTED);
        }
    }
}
