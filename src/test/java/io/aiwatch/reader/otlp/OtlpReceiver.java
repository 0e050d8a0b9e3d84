package io.aiwatch.reader.otlp;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A test OTLP collector on 127.0.0.1, port 0: decodes every request with the official
 * opentelemetry-proto classes and remembers it with the headers it came with. {@link #failWith}
 * makes it answer with an error (HTTP status, or the matching gRPC status) to exercise retries.
 */
abstract class OtlpReceiver implements AutoCloseable {
    final List<ExportMetricsServiceRequest> requests = new CopyOnWriteArrayList<>();
    final List<ExportTraceServiceRequest> traceRequests = new CopyOnWriteArrayList<>();
    /** Headers (lower-case names) of the last request. */
    final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

    final AtomicInteger attempts = new AtomicInteger();
    volatile int failWith;

    abstract String endpoint();

    abstract OtlpSettings.Protocol protocol();

    /** Waits up to 10 s for {@code n} decoded requests. */
    ExportMetricsServiceRequest await(int n) throws InterruptedException {
        for (int i = 0; i < 200 && requests.size() < n; i++) {
            Thread.sleep(50);
        }
        if (requests.size() < n) {
            throw new AssertionError("receiver got " + requests.size() + " requests, expected " + n);
        }
        return requests.get(n - 1);
    }

    static OtlpReceiver http() throws Exception {
        return new Http();
    }

    static OtlpReceiver grpc() throws Exception {
        return new Grpc();
    }

    /** http/protobuf: POST /v1/metrics with an ExportMetricsServiceRequest body, optionally gzip. */
    static final class Http extends OtlpReceiver {
        private final HttpServer server;

        Http() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/metrics", ex -> {
                attempts.incrementAndGet();
                lastHeaders.clear();
                ex.getRequestHeaders()
                        .forEach((k, v) -> lastHeaders.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                if (failWith != 0) {
                    ex.sendResponseHeaders(failWith, -1);
                    ex.close();
                    return;
                }
                if ("gzip".equals(lastHeaders.get("content-encoding"))) {
                    body = new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
                }
                requests.add(ExportMetricsServiceRequest.parseFrom(body));
                byte[] ok = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                ex.getResponseBody().write(ok);
                ex.close();
            });
            server.createContext("/v1/traces", ex -> {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readAllBytes();
                }
                if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
                }
                traceRequests.add(ExportTraceServiceRequest.parseFrom(body));
                ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
        }

        @Override
        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
        }

        @Override
        OtlpSettings.Protocol protocol() {
            return OtlpSettings.Protocol.HTTP_PROTOBUF;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** gRPC over cleartext HTTP/2 (h2c): a real grpc-java server with the generated MetricsService. */
    static final class Grpc extends OtlpReceiver {
        private final Server server;

        Grpc() throws Exception {
            var service = new MetricsServiceGrpc.MetricsServiceImplBase() {
                @Override
                public void export(
                        ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> response) {
                    if (failWith != 0) {
                        response.onError((failWith == 503 ? Status.UNAVAILABLE : Status.INTERNAL).asRuntimeException());
                        return;
                    }
                    requests.add(request);
                    response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                    response.onCompleted();
                }
            };
            ServerInterceptor headers = new ServerInterceptor() {
                @Override
                public <Q, R> ServerCall.Listener<Q> interceptCall(
                        ServerCall<Q, R> call, Metadata md, ServerCallHandler<Q, R> next) {
                    attempts.incrementAndGet();
                    lastHeaders.clear();
                    for (String k : md.keys()) {
                        if (!k.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                            lastHeaders.put(k, md.get(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER)));
                        }
                    }
                    lastHeaders.put(":method-path", call.getMethodDescriptor().getFullMethodName());
                    return next.startCall(call, md);
                }
            };
            var traces = new TraceServiceGrpc.TraceServiceImplBase() {
                @Override
                public void export(
                        ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
                    traceRequests.add(request);
                    response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                    response.onCompleted();
                }
            };
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(service, headers))
                    .addService(traces)
                    .build()
                    .start();
        }

        @Override
        String endpoint() {
            return "http://127.0.0.1:" + server.getPort();
        }

        @Override
        OtlpSettings.Protocol protocol() {
            return OtlpSettings.Protocol.GRPC;
        }

        @Override
        public void close() throws Exception {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
