package io.aiwatch.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import v1.Api.ContainerDevices;
import v1.Api.ContainerResources;

/** The hand-written gRPC client against a real gRPC server built from the kubelet's proto. */
class PodResourcesClientTest {
    @TempDir
    Path dir;

    FakeKubelet kubelet;
    PodResourcesClient client;

    @BeforeEach
    void start() throws Exception {
        kubelet = new FakeKubelet(dir.resolve("kubelet.sock"));
        client = new PodResourcesClient(kubelet.socket(), Duration.ofSeconds(5), 16 << 20);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        kubelet.close();
    }

    @Test
    void listsPodsContainersAndDevices() throws Exception {
        kubelet.response.set(v1.Api.ListPodResourcesResponse.newBuilder()
                .addPodResources(FakeKubelet.pod("team-a", "vllm-0", "server", "nvidia.com/gpu", "GPU-aaa", "GPU-bbb"))
                .addPodResources(v1.Api.PodResources.newBuilder()
                        .setName("trainer")
                        .setNamespace("team-b")
                        .addCpuIds(3) // fields attribution skips must not disturb decoding
                        .addContainers(ContainerResources.newBuilder()
                                .setName("main")
                                .addCpuIds(7)
                                .addDevices(ContainerDevices.newBuilder()
                                        .setResourceName("nvidia.com/mig-1g.10gb")
                                        .addDeviceIds("MIG-1234")
                                        .setTopology(v1.Api.TopologyInfo.newBuilder()
                                                .addNodes(v1.Api.NUMANode.newBuilder()
                                                        .setID(1))))
                                .addMemory(v1.Api.ContainerMemory.newBuilder()
                                        .setMemoryType("memory")
                                        .setSize(1L << 33))))
                .build());
        List<PodResources> pods = client.list();
        assertThat(pods)
                .containsExactly(
                        new PodResources(
                                "vllm-0",
                                "team-a",
                                List.of(new PodResources.Container(
                                        "server",
                                        List.of(new PodResources.Devices(
                                                "nvidia.com/gpu", List.of("GPU-aaa", "GPU-bbb")))))),
                        new PodResources(
                                "trainer",
                                "team-b",
                                List.of(new PodResources.Container(
                                        "main",
                                        List.of(new PodResources.Devices(
                                                "nvidia.com/mig-1g.10gb", List.of("MIG-1234")))))));
        assertThat(client.list()).hasSize(2); // a second call on a new connection
        assertThat(kubelet.calls.get()).isEqualTo(2);
    }

    @Test
    void readsAResponseFarLargerThanOneWindowAndFrame() throws Exception {
        List<v1.Api.PodResources> many = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            many.add(FakeKubelet.pod("ns-" + i, "pod-with-a-long-name-" + i, "c", "nvidia.com/gpu", "GPU-" + i));
        }
        kubelet.answer(many.toArray(v1.Api.PodResources[]::new));
        assertThat(kubelet.response.get().getSerializedSize()).isGreaterThan(150_000);
        List<PodResources> pods = client.list();
        assertThat(pods).hasSize(3000);
        assertThat(pods.get(2999).name()).isEqualTo("pod-with-a-long-name-2999");
    }

    @Test
    void aGrpcErrorIsReportedWithItsStatusAndMessage() {
        kubelet.error.set(Status.PERMISSION_DENIED.withDescription("pod resources: not allowed % here"));
        assertThatThrownBy(() -> client.list())
                .isInstanceOfSatisfying(
                        PodResourcesClient.CallException.class,
                        e -> assertThat(e.reason()).isEqualTo("grpc_7"))
                .hasMessage("gRPC status 7: pod resources: not allowed % here");
    }

    @Test
    void aMissingSocketFailsAtOnceWithItsOwnReason() {
        var missing = new PodResourcesClient(dir.resolve("none.sock"), Duration.ofSeconds(5), 1 << 20);
        assertThatThrownBy(missing::list)
                .isInstanceOfSatisfying(
                        PodResourcesClient.CallException.class,
                        e -> assertThat(e.reason()).isEqualTo("socket_missing"))
                .hasMessageContaining("none.sock does not exist");
        missing.close();
    }

    @Test
    void aKubeletThatDoesNotAnswerIsCutOffAtTheDeadline() {
        kubelet.delay.set(Duration.ofSeconds(3));
        var impatient = new PodResourcesClient(kubelet.socket(), Duration.ofMillis(300), 1 << 20);
        long t0 = System.nanoTime();
        assertThatThrownBy(impatient::list)
                .isInstanceOfSatisfying(
                        PodResourcesClient.CallException.class,
                        e -> assertThat(e.reason()).isEqualTo("timeout"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        impatient.close();
    }

    @Test
    void aResponseAboveTheLimitIsRefused() {
        List<v1.Api.PodResources> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(FakeKubelet.pod("ns", "pod-" + i, "c", "nvidia.com/gpu", "GPU-" + i));
        }
        kubelet.answer(many.toArray(v1.Api.PodResources[]::new));
        var small = new PodResourcesClient(kubelet.socket(), Duration.ofSeconds(5), 1000);
        assertThatThrownBy(small::list)
                .isInstanceOfSatisfying(
                        PodResourcesClient.CallException.class,
                        e -> assertThat(e.reason()).isEqualTo("too_large"));
        small.close();
    }
}
