package io.aiwatch.source.kubernetes;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import v1.Api.ContainerDevices;
import v1.Api.ContainerResources;
import v1.Api.ListPodResourcesRequest;
import v1.Api.ListPodResourcesResponse;

/**
 * A kubelet PodResources server for tests: real gRPC (grpc-java, Netty, HTTP/2) on a unix socket,
 * with messages generated from the kubelet's own {@code api.proto}. Tests set what {@code List}
 * answers: a response, a gRPC error, or a delay.
 */
public final class FakeKubelet implements AutoCloseable {
    static final MethodDescriptor<ListPodResourcesRequest, ListPodResourcesResponse> LIST =
            MethodDescriptor.<ListPodResourcesRequest, ListPodResourcesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("v1.PodResourcesLister/List")
                    .setRequestMarshaller(ProtoUtils.marshaller(ListPodResourcesRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(ListPodResourcesResponse.getDefaultInstance()))
                    .build();

    private final Path socket;
    private final EpollEventLoopGroup group = new EpollEventLoopGroup(2);
    private final Server server;
    final AtomicReference<ListPodResourcesResponse> response =
            new AtomicReference<>(ListPodResourcesResponse.getDefaultInstance());
    final AtomicReference<Status> error = new AtomicReference<>();
    final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
    final AtomicInteger calls = new AtomicInteger();

    public FakeKubelet(Path socket) throws Exception {
        this.socket = socket;
        ServerServiceDefinition service = ServerServiceDefinition.builder("v1.PodResourcesLister")
                .addMethod(LIST, ServerCalls.asyncUnaryCall((request, observer) -> {
                    calls.incrementAndGet();
                    try {
                        Thread.sleep(delay.get().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Status s = error.get();
                    if (s != null) {
                        observer.onError(s.asRuntimeException());
                    } else {
                        observer.onNext(response.get());
                        observer.onCompleted();
                    }
                }))
                .build();
        this.server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addService(service)
                .build()
                .start();
    }

    public Path socket() {
        return socket;
    }

    /** A pod with one container holding {@code ids} of {@code resource}. */
    public static v1.Api.PodResources pod(
            String namespace, String name, String container, String resource, String... ids) {
        return v1.Api.PodResources.newBuilder()
                .setName(name)
                .setNamespace(namespace)
                .addContainers(ContainerResources.newBuilder()
                        .setName(container)
                        .addDevices(ContainerDevices.newBuilder()
                                .setResourceName(resource)
                                .addAllDeviceIds(List.of(ids))))
                .build();
    }

    public void answer(v1.Api.PodResources... pods) {
        response.set(ListPodResourcesResponse.newBuilder()
                .addAllPodResources(List.of(pods))
                .build());
    }

    @Override
    public void close() throws Exception {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
