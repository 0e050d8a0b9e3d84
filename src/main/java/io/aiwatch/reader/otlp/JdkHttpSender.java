package io.aiwatch.reader.otlp;

/**
 * Sends OTLP http/protobuf through the JDK's {@code HttpClient} (opentelemetry-exporter-sender-jdk)
 * rather than OkHttp. OkHttp stays on the class path for OTLP/gRPC only: gRPC needs HTTP/2 without
 * TLS (prior knowledge) and response trailers ({@code grpc-status}), and the JDK client offers
 * neither (docs/OTLP.md, "Transports"). With two HTTP senders present the SDK takes the one this
 * property names; a value set by the operator wins.
 */
final class JdkHttpSender {
    static final String PROPERTY = "io.opentelemetry.exporter.internal.http.HttpSenderProvider";
    static final String PROVIDER = "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";

    private JdkHttpSender() {}

    /** Called before every http/protobuf exporter is built. */
    static void select() {
        if (System.getProperty(PROPERTY) == null
                && System.getenv("IO_OPENTELEMETRY_EXPORTER_INTERNAL_HTTP_HTTPSENDERPROVIDER") == null) {
            System.setProperty(PROPERTY, PROVIDER);
        }
    }
}
