package io.aiwatch.reader.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The resource every exported metric carries: who sends (service.*), from which node (host.name)
 * and, inside Kubernetes, which pod (k8s.*). Later sources win: detected values, then
 * {@code OTEL_RESOURCE_ATTRIBUTES}, then {@code OTEL_SERVICE_NAME}, then the config's
 * {@code resource_attributes}.
 *
 * <p>Kubernetes is recognised by {@code KUBERNETES_SERVICE_HOST}. The pod's identity comes from
 * the variables a DaemonSet usually sets through the downward API ({@code POD_NAME},
 * {@code POD_NAMESPACE}, {@code POD_UID}, {@code NODE_NAME}), the namespace also from the service
 * account mount; the pod name falls back to {@code HOSTNAME}, which Kubernetes sets to it.
 */
public final class OtlpResource {
    static final String NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    private OtlpResource() {}

    /**
     * @param version  aiwatch's version (service.version)
     * @param hostName this node's name (host.name)
     * @param env      the process environment
     * @param extra    the config's resource_attributes
     */
    public static Resource build(String version, String hostName, Map<String, String> env, Map<String, String> extra) {
        AttributesBuilder b = Attributes.builder()
                .put("service.name", "aiwatch")
                .put("service.version", version)
                .put("host.name", hostName)
                .put("telemetry.sdk.name", "opentelemetry")
                .put("telemetry.sdk.language", "java");
        if (present(env, "KUBERNETES_SERVICE_HOST")) {
            putIf(b, "k8s.pod.name", first(env, "POD_NAME", "HOSTNAME"));
            putIf(b, "k8s.pod.uid", first(env, "POD_UID"));
            putIf(b, "k8s.node.name", first(env, "NODE_NAME"));
            String ns = first(env, "POD_NAMESPACE");
            putIf(b, "k8s.namespace.name", ns != null ? ns : readNamespace());
        }
        parseResourceAttributes(env.get("OTEL_RESOURCE_ATTRIBUTES")).forEach(b::put);
        if (present(env, "OTEL_SERVICE_NAME")) {
            b.put("service.name", env.get("OTEL_SERVICE_NAME").trim());
        }
        extra.forEach(b::put);
        return Resource.create(b.build());
    }

    /** {@code key=value,key2=value2}, values URL-encoded; malformed entries are skipped (spec: SHOULD ignore). */
    static Map<String, String> parseResourceAttributes(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        for (String entry : text.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                out.put(
                        entry.substring(0, eq).trim(),
                        URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // not URL-encoded: skip this entry only
            }
        }
        return out;
    }

    private static String readNamespace() {
        try {
            String ns = Files.readString(Path.of(NAMESPACE_FILE)).trim();
            return ns.isEmpty() ? null : ns;
        } catch (java.io.IOException | SecurityException e) {
            return null;
        }
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            if (present(env, n)) {
                return env.get(n).trim();
            }
        }
        return null;
    }

    private static boolean present(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static void putIf(AttributesBuilder b, String key, String value) {
        if (value != null) {
            b.put(key, value);
        }
    }
}
