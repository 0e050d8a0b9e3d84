package io.aiwatch.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.aiwatch.collect.Snapshot;
import io.aiwatch.source.gpu.CountersFile;
import io.aiwatch.source.gpu.DeviceSelection;
import io.aiwatch.source.gpu.GpuCollector;
import io.aiwatch.source.gpu.GpuHealth;
import io.aiwatch.source.gpu.ProcessIdentity;
import io.aiwatch.source.gpu.sim.SimulatedGpuBackend;
import io.aiwatch.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pod labels on GPU series, from a fake kubelet (real gRPC on a unix socket) through the GPU collector. */
class PodAttributionTest {
    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T12:00:00Z"));
    final SimulatedGpuBackend gpus = new SimulatedGpuBackend(2, 7, 30, clock, null);
    FakeKubelet kubelet;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        kubelet = new FakeKubelet(dir.resolve("kubelet.sock"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        kubelet.close();
    }

    KubernetesConfig config() {
        return KubernetesConfig.defaults()
                .withEnabled(true)
                .withSocket(kubelet.socket().toString());
    }

    PodAttribution attribution(KubernetesConfig config, Map<String, String> mig) {
        PodAttribution a = new PodAttribution(config, mig, clock);
        closing.add(a);
        return a;
    }

    Snapshot gpuSnapshot(PodAttribution pods) {
        var settings = new GpuCollector.Settings("Hostname", "node-a", 4, DeviceSelection.flex(), false, pods);
        return new GpuCollector(
                        GpuCollector.Role.FAST,
                        gpus,
                        CountersFile.defaults(),
                        Duration.ofSeconds(1),
                        new GpuHealth(),
                        settings,
                        new ProcessIdentity(Path.of("/nonexistent")))
                .collect();
    }

    static List<Labels> series(Snapshot s, String family) {
        return s.families().stream()
                .filter(f -> f.name().equals(family))
                .flatMap(f -> f.samples().stream())
                .map(Sample::labels)
                .toList();
    }

    static double value(Snapshot s, String family, String labelName, String labelValue) {
        return s.families().stream()
                .filter(f -> f.name().equals(family))
                .flatMap(f -> f.samples().stream())
                .filter(x -> labelName == null || labelValue.equals(x.labels().get(labelName)))
                .mapToDouble(Sample::value)
                .findFirst()
                .orElse(Double.NaN);
    }

    static List<String> names(Labels l) {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            n.add(l.name(i));
        }
        return n;
    }

    @Test
    void gpuSeriesCarryPodNamespaceAndContainerInDcgmExporterOrder() throws Exception {
        String gpu0 = gpus.devices().get(0).uuid();
        kubelet.answer(
                FakeKubelet.pod("team-a", "vllm-0", "server", "nvidia.com/gpu", gpu0),
                FakeKubelet.pod(
                        "team-b",
                        "cpu-only",
                        "main",
                        "example.com/fpga",
                        gpus.devices().get(1).uuid()));
        PodAttribution pods = attribution(config(), Map.of());
        Snapshot k8s = pods.collect();
        assertThat(value(k8s, "aiwatch_kubernetes_pod_resources_up", null, null))
                .isEqualTo(1);

        List<Labels> temp = series(gpuSnapshot(pods), "DCGM_FI_DEV_GPU_TEMP");
        assertThat(temp).hasSize(2);
        Labels first = temp.get(0);
        assertThat(names(first))
                .containsExactly(
                        "gpu",
                        "UUID",
                        "pci_bus_id",
                        "device",
                        "modelName",
                        "Hostname",
                        "DCGM_FI_DRIVER_VERSION",
                        "container",
                        "namespace",
                        "pod");
        assertThat(first.get("pod")).isEqualTo("vllm-0");
        assertThat(first.get("namespace")).isEqualTo("team-a");
        assertThat(first.get("container")).isEqualTo("server");
        assertThat(temp.get(1).get("pod"))
                .as("a resource that is not a GPU is not attributed")
                .isNull();
        assertThat(pods.status()).startsWith("kubelet pod-resources: 2 pods, ");
    }

    @Test
    void deviceNameIdsAndOldLabelNamesAsDcgmExporterOffersThem() throws Exception {
        kubelet.answer(FakeKubelet.pod("ml", "trainer", "main", "nvidia.com/gpu", "nvidia1"));
        KubernetesConfig cfg = config().withGpuIdType("device-name").withOldLabelNames(true);
        PodAttribution pods = attribution(cfg, Map.of());
        pods.collect();
        List<Labels> temp = series(gpuSnapshot(pods), "DCGM_FI_DEV_GPU_TEMP");
        assertThat(temp.get(0).get("pod_name")).isNull();
        assertThat(temp.get(1).get("pod_name")).isEqualTo("trainer");
        assertThat(temp.get(1).get("pod_namespace")).isEqualTo("ml");
        assertThat(temp.get(1).get("container_name")).isEqualTo("main");
    }

    @Test
    void sharedGpusRepeatTheSeriesPerPodWithVgpu() throws Exception {
        String gpu0 = gpus.devices().get(0).uuid();
        kubelet.answer(
                FakeKubelet.pod("a", "p1", "c", "nvidia.com/gpu", gpu0 + "::0"),
                FakeKubelet.pod("b", "p2", "c", "nvidia.com/gpu", gpu0 + "::3"));
        PodAttribution shared = attribution(config().withVirtualGpus(true), Map.of());
        shared.collect();
        List<Labels> power = series(gpuSnapshot(shared), "DCGM_FI_DEV_POWER_USAGE");
        assertThat(power).hasSize(3); // GPU 0 twice (one per pod), GPU 1 once
        assertThat(power.stream().filter(l -> "0".equals(l.get("gpu"))).map(l -> l.get("pod") + "/" + l.get("vgpu")))
                .containsExactlyInAnyOrder("p1/0", "p2/3");

        PodAttribution single = attribution(config(), Map.of());
        single.collect();
        List<Labels> lastWins = series(gpuSnapshot(single), "DCGM_FI_DEV_POWER_USAGE");
        assertThat(lastWins).hasSize(2);
        assertThat(lastWins.get(0).get("pod")).isEqualTo("p2");
        assertThat(lastWins.get(0).get("vgpu")).isNull();
    }

    @Test
    void deviceIdsAreKeyedAsDcgmExporterKeysThem() {
        Map<String, String> mig = Map.of("MIG-5e3b", "1-7");
        assertThat(DeviceMap.keys("MIG-5e3b::2", mig)).containsExactly("1-7", "5e3b", "MIG-5e3b::2");
        assertThat(DeviceMap.keys("MIG-unknown", mig)).containsExactly("unknown", "MIG-unknown");
        assertThat(DeviceMap.keys("nvidia0/gi3/vgpu1", mig)).containsExactly("0-3", "nvidia0/gi3/vgpu1");
        assertThat(DeviceMap.keys("nvidia2/vgpu4", mig)).containsExactly("nvidia2", "nvidia2/vgpu4");
        assertThat(DeviceMap.keys("GPU-abc::5", mig)).containsExactly("GPU-abc", "GPU-abc::5");
        assertThat(DeviceMap.keys("GPU-abc", mig)).containsExactly("GPU-abc");
        assertThat(DeviceMap.sharedReplica("nvidia2/vgpu4")).isEqualTo("4");
        assertThat(DeviceMap.sharedReplica("GPU-abc::5")).isEqualTo("5");
        assertThat(DeviceMap.sharedReplica("GPU-abc")).isNull();

        var pods = List.of(new PodResources(
                "p",
                "ns",
                List.of(new PodResources.Container(
                        "c",
                        List.of(
                                new PodResources.Devices("nvidia.com/mig-1g.10gb", List.of("MIG-5e3b")),
                                new PodResources.Devices("nvidia.com/a100", List.of("GPU-x")),
                                new PodResources.Devices("cpu", List.of("GPU-y")))))));
        DeviceMap plain = DeviceMap.of(pods, KubernetesConfig.defaults(), mig);
        assertThat(plain.labels("1-7")).containsExactly(Labels.of("container", "c", "namespace", "ns", "pod", "p"));
        assertThat(plain.labels("GPU-x"))
                .as("extra resource names only when configured")
                .isEmpty();
        DeviceMap extra =
                DeviceMap.of(pods, KubernetesConfig.defaults().withResourceNames(List.of("nvidia.com/a100")), mig);
        assertThat(extra.labels("GPU-x")).hasSize(1);
        assertThat(extra.labels("GPU-y")).isEmpty();
    }

    @Test
    void aMissingSocketFailsSoftAndTheLastMappingExpiresAfterThreeIntervals() throws Exception {
        String gpu0 = gpus.devices().get(0).uuid();
        kubelet.answer(FakeKubelet.pod("team-a", "vllm-0", "server", "nvidia.com/gpu", gpu0));
        PodAttribution pods = attribution(config(), Map.of());
        pods.collect();
        kubelet.close();
        Files.deleteIfExists(kubelet.socket());

        clock.advance(Duration.ofSeconds(5));
        Snapshot k8s = pods.collect(); // never throws: a failed read is not a failed run
        assertThat(value(k8s, "aiwatch_kubernetes_pod_resources_up", null, null))
                .isZero();
        assertThat(value(k8s, "aiwatch_kubernetes_pod_resources_errors_total", "reason", "socket_missing"))
                .isEqualTo(1);
        assertThat(pods.status()).contains("kubelet.sock does not exist").contains("once the mapping");
        assertThat(series(gpuSnapshot(pods), "DCGM_FI_DEV_GPU_TEMP").get(0).get("pod"))
                .as("kept for a while")
                .isEqualTo("vllm-0");

        clock.advance(Duration.ofSeconds(11));
        k8s = pods.collect();
        assertThat(value(k8s, "aiwatch_kubernetes_pod_resources_errors_total", "reason", "socket_missing"))
                .isEqualTo(2);
        assertThat(value(k8s, "aiwatch_kubernetes_attributed_gpu_ids", null, null))
                .isZero();
        assertThat(series(gpuSnapshot(pods), "DCGM_FI_DEV_GPU_TEMP"))
                .allSatisfy(l -> assertThat(l.get("pod")).isNull());
        assertThat(k8s.families()).extracting(MetricFamily::name).contains("aiwatch_kubernetes_pod_resources_up");
        kubelet = new FakeKubelet(dir.resolve("kubelet2.sock")); // for @AfterEach
    }
}
