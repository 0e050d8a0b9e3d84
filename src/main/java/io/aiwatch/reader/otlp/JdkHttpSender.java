package io.aiwatch.reader.otlp;

/**
 * Chooses the OTLP transport implementation. http/protobuf goes through the JDK's {@code HttpClient}
 * (opentelemetry-exporter-sender-jdk), so the node agent carries neither OkHttp nor Kotlin. OTLP/gRPC
 * needs HTTP/2 without TLS (prior knowledge) and response trailers ({@code grpc-status}); the JDK client
 * offers neither, so gRPC still rides on OkHttp, which only the toolkit jar ships (docs/OTLP.md,
 * "Transports").
 */
final class JdkHttpSender {
    static final String PROPERTY = "io.opentelemetry.exporter.internal.http.HttpSenderProvider";
    static final String PROVIDER = "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";
    static final String GRPC_PROVIDER = "io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider";

    private JdkHttpSender() {}

    /**
     * Called before every http/protobuf exporter is built. With two HTTP senders on the class path (the
     * toolkit jar) the SDK takes the one this property names; a value set by the operator wins.
     */
    static void select() {
        if (System.getProperty(PROPERTY) == null
                && System.getenv("IO_OPENTELEMETRY_EXPORTER_INTERNAL_HTTP_HTTPSENDERPROVIDER") == null) {
            System.setProperty(PROPERTY, PROVIDER);
        }
    }

    /**
     * Called before every gRPC exporter is built: refuses with one sentence an operator can act on where
     * the node agent (no OkHttp) is asked for {@code protocol: grpc}, instead of the SDK's class-path error.
     */
    static void requireGrpc(String section) {
        if (!grpcAvailable()) {
            throw new IllegalArgumentException(section
                    + ": protocol 'grpc' is not available in the node agent (it ships without OkHttp);"
                    + " use protocol: http/protobuf (collector port 4318) or run the toolkit jar");
        }
    }

    static boolean grpcAvailable() {
        try {
            Class.forName(GRPC_PROVIDER, false, JdkHttpSender.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
