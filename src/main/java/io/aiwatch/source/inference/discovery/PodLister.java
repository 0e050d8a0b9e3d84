package io.aiwatch.source.inference.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pods of this node that announce a metrics port by annotation, from the Kubernetes API server:
 * one {@code GET /api/v1/pods?fieldSelector=spec.nodeName=NODE} with the pod's service-account
 * token, verified against the service-account CA. Needs RBAC {@code list} on pods.
 */
final class PodLister {
    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A pod's announced endpoint.
     *
     * @param namespace the pod's namespace
     * @param pod       the pod's name
     * @param url       its metrics URL (pod IP, annotated port, path and scheme)
     */
    record PodEndpoint(String namespace, String pod, URI url) {}

    private final URI api;
    private final String nodeName;
    private final Path tokenFile;
    private final List<String> annotations;
    private final HttpClient client;
    private final Duration timeout;

    /**
     * @param api            API server base URL; http only for tests
     * @param nodeName       this node's name ({@code NODE_NAME} from the downward API)
     * @param serviceAccount directory with {@code token} and {@code ca.crt}
     * @param annotations    port annotations, first present wins
     */
    PodLister(URI api, String nodeName, Path serviceAccount, List<String> annotations, Duration timeout)
            throws IOException {
        this.api = api;
        this.nodeName = nodeName;
        this.tokenFile = serviceAccount.resolve("token");
        this.annotations = List.copyOf(annotations);
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        Path ca = serviceAccount.resolve("ca.crt");
        if (api.getScheme().equals("https") && Files.exists(ca)) {
            b.sslContext(trusting(ca));
        }
        this.client = b.build();
    }

    /** The API server of the cluster this pod runs in, from the variables Kubernetes sets. */
    static URI inCluster() {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        String port = System.getenv("KUBERNETES_SERVICE_PORT");
        if (host == null || host.isBlank()) {
            throw new IllegalStateException("KUBERNETES_SERVICE_HOST is not set: not running in a pod, and "
                    + "inference.discovery.api_server is not given");
        }
        return URI.create(
                "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + (port == null ? "443" : port));
    }

    /** Running pods of this node with an announced port, in the API server's order. */
    List<PodEndpoint> list() throws IOException, InterruptedException {
        String selector = URLEncoder.encode("spec.nodeName=" + nodeName, StandardCharsets.UTF_8);
        HttpRequest.Builder req = HttpRequest.newBuilder(api.resolve("/api/v1/pods?fieldSelector=" + selector))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET();
        if (Files.isReadable(tokenFile)) {
            // re-read every time: the kubelet rotates projected tokens
            req.header("Authorization", "Bearer " + Files.readString(tokenFile).strip());
        }
        HttpResponse<InputStream> r = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        JsonNode root;
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("API server answered HTTP " + r.statusCode() + " to the pod list"
                        + (r.statusCode() == 403 ? " (RBAC: the service account needs list on pods)" : ""));
            }
            root = JSON.readTree(in.readNBytes(64 << 20));
        }
        List<PodEndpoint> out = new ArrayList<>();
        for (JsonNode pod : root.path("items")) {
            JsonNode meta = pod.path("metadata");
            String ip = pod.path("status").path("podIP").asText("");
            if (!pod.path("status").path("phase").asText().equals("Running") || ip.isEmpty()) {
                continue;
            }
            URI url = endpoint(ip, JSON.convertValue(meta.path("annotations"), Map.class));
            if (url != null) {
                out.add(new PodEndpoint(
                        meta.path("namespace").asText(), meta.path("name").asText(), url));
            }
        }
        return out;
    }

    /** The announced metrics URL, or null: no port annotation, or {@code prometheus.io/scrape: "false"}. */
    URI endpoint(String ip, Map<?, ?> a) {
        if (a == null || "false".equals(a.get("prometheus.io/scrape"))) {
            return null;
        }
        for (String key : annotations) {
            if (a.get(key) instanceof String port && port.matches("[0-9]{1,5}")) {
                String path = a.get("prometheus.io/path") instanceof String p && p.startsWith("/") ? p : "/metrics";
                String scheme = "https".equals(a.get("prometheus.io/scheme")) ? "https" : "http";
                String host = ip.contains(":") ? "[" + ip + "]" : ip;
                return URI.create(scheme + "://" + host + ":" + port + path);
            }
        }
        return null;
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + caFile + " as the API server's CA: " + e.getMessage(), e);
        }
    }
}
