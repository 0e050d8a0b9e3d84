package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.DeviceSelection;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.GpuInstance;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.source.gpu.SeriesAttribution;
import io.aiwatch.source.kubernetes.FakeKubelet;
import io.aiwatch.source.kubernetes.KubernetesConfig;
import io.aiwatch.source.kubernetes.PodAttribution;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MIG through the fake libnvidia-ml: GPU 1 is split into a 3g.40gb instance (GI 1, one compute
 * instance) and a 1g.10gb instance (GI 2, two compute instances); GPU 0 is whole.
 */
class NvmlMigTest {
    private static final double MIB = 1024 * 1024;
    private FakeNvml fake;
    private NvmlBackend backend;

    @BeforeEach
    void setUp() throws Exception {
        fake = FakeNvml.load();
        fake.fake_add_mig(1, 0, 1, 0, 9, "MIG-11111111-aaaa", 40192 * MIB, 1000 * MIB);
        fake.fake_add_mig(1, 1, 2, 0, 19, "MIG-22222222-bbbb", 9856 * MIB, 2000 * MIB);
        fake.fake_add_mig(1, 2, 2, 1, 19, "MIG-33333333-cccc", 9856 * MIB, 2000 * MIB);
        backend = FakeNvml.backend();
    }

    @AfterEach
    void tearDown() {
        backend.close();
        fake.fake_reset();
    }

    private Snapshot collect(String devices, SeriesAttribution attribution) {
        var settings =
                new GpuCollector.Settings("Hostname", "node-a", 4, DeviceSelection.parse(devices), false, attribution);
        return new GpuCollector(
                        GpuCollector.Role.FAST,
                        backend,
                        CountersFile.defaults(),
                        Duration.ofSeconds(1),
                        new GpuHealth(),
                        settings,
                        new ProcessIdentity(Path.of("/nonexistent")))
                .collect();
    }

    private static List<Sample> samples(Snapshot s, String family) {
        return s.families().stream()
                .filter(f -> f.name().equals(family))
                .flatMap(f -> f.samples().stream())
                .toList();
    }

    private static List<String> names(Labels l) {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            n.add(l.name(i));
        }
        return n;
    }

    @Test
    void enumeratesGpuAndComputeInstancesWithTheirProfiles() {
        assertThat(backend.instances(0)).isEmpty();
        assertThat(backend.instances(1))
                .containsExactly(
                        new GpuInstance(
                                1, 1, "3g.40gb", List.of(new GpuInstance.ComputeInstance(0, "MIG-11111111-aaaa"))),
                        new GpuInstance(
                                1,
                                2,
                                "1g.10gb",
                                List.of(
                                        new GpuInstance.ComputeInstance(0, "MIG-22222222-bbbb"),
                                        new GpuInstance.ComputeInstance(1, "MIG-33333333-cccc"))));
        assertThat(GpuInstance.attributionKeys(backend))
                .containsEntry("MIG-11111111-aaaa", "1-1")
                .containsEntry("MIG-33333333-cccc", "1-2")
                .hasSize(3);
    }

    @Test
    void flexReportsMemoryPerInstanceWithDcgmExporterLabelsAndTheRestOnTheGpu() {
        Snapshot s = collect("f", SeriesAttribution.NONE);
        List<Sample> used = samples(s, "DCGM_FI_DEV_FB_USED");
        assertThat(used)
                .extracting(x -> x.labels().get("gpu") + "/" + x.labels().get("GPU_I_ID"))
                .containsExactly("0/null", "1/1", "1/2");
        Sample gi1 = used.get(1);
        assertThat(names(gi1.labels()))
                .containsExactly(
                        "gpu",
                        "UUID",
                        "pci_bus_id",
                        "device",
                        "modelName",
                        "GPU_I_PROFILE",
                        "GPU_I_ID",
                        "Hostname",
                        "DCGM_FI_DRIVER_VERSION");
        assertThat(gi1.labels().get("GPU_I_PROFILE")).isEqualTo("3g.40gb");
        assertThat(gi1.labels().get("UUID")).isEqualTo("GPU-00000000-0000-0000-0000-000000000001");
        assertThat(gi1.value()).isEqualTo(1000);
        assertThat(used.get(2).value()).isEqualTo(2000);
        assertThat(samples(s, "DCGM_FI_DEV_FB_FREE").get(1).value()).isEqualTo(40192 - 1000);
        // device-wide fields stay on the GPU: NVML has temperature and power only there
        assertThat(samples(s, "DCGM_FI_DEV_GPU_TEMP"))
                .extracting(x -> x.labels().get("gpu") + "/" + x.labels().get("GPU_I_ID"))
                .containsExactly("0/null", "1/null");
    }

    @Test
    void wholeGpusOnlyOrSelectedInstancesOnly() {
        List<Sample> whole = samples(collect("g", SeriesAttribution.NONE), "DCGM_FI_DEV_FB_USED");
        assertThat(whole).extracting(x -> x.labels().get("GPU_I_ID")).containsExactly(null, null);

        Snapshot onlyGi2 = collect("i:2", SeriesAttribution.NONE);
        assertThat(samples(onlyGi2, "DCGM_FI_DEV_FB_USED"))
                .extracting(x -> x.labels().get("gpu") + "/" + x.labels().get("GPU_I_ID"))
                .containsExactly("1/2");
        assertThat(samples(onlyGi2, "DCGM_FI_DEV_GPU_TEMP")).isEmpty();
        assertThat(samples(onlyGi2, "aiwatch_gpu_up")).hasSize(2);

        assertThat(samples(collect("g:1", SeriesAttribution.NONE), "DCGM_FI_DEV_GPU_TEMP"))
                .extracting(x -> x.labels().get("gpu"))
                .containsExactly("1");
    }

    @Test
    void aPodHoldingAMigDeviceIsAttributedToItsGpuInstance(@TempDir Path dir) throws Exception {
        try (FakeKubelet kubelet = new FakeKubelet(dir.resolve("kubelet.sock"))) {
            kubelet.answer(
                    FakeKubelet.pod("llm", "small-model", "vllm", "nvidia.com/mig-1g.10gb", "MIG-33333333-cccc"));
            var cfg = KubernetesConfig.defaults()
                    .withEnabled(true)
                    .withSocket(kubelet.socket().toString());
            try (PodAttribution pods =
                    new PodAttribution(cfg, GpuInstance.attributionKeys(backend), Clock.systemUTC())) {
                pods.collect();
                List<Sample> used = samples(collect("f", pods), "DCGM_FI_DEV_FB_USED");
                assertThat(used)
                        .extracting(x ->
                                x.labels().get("GPU_I_ID") + ":" + x.labels().get("pod"))
                        .containsExactly("null:null", "1:null", "2:small-model");
                Labels attributed = used.get(2).labels();
                assertThat(names(attributed)
                                .subList(
                                        names(attributed).size() - 3,
                                        names(attributed).size()))
                        .containsExactly("container", "namespace", "pod");
            }
        }
    }
}
