package io.aiwatch.reader.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpResourceTest {
    private static String get(Resource r, String key) {
        return r.getAttribute(AttributeKey.stringKey(key));
    }

    @Test
    void namesTheServiceVersionAndHostOutsideKubernetes() {
        Resource r = OtlpResource.build("0.3.0", "gpu-node-7", Map.of("POD_NAME", "ignored"), Map.of());
        assertThat(get(r, "service.name")).isEqualTo("aiwatch");
        assertThat(get(r, "service.version")).isEqualTo("0.3.0");
        assertThat(get(r, "host.name")).isEqualTo("gpu-node-7");
        assertThat(r.getAttributes().asMap().keySet()).noneMatch(k -> k.getKey().startsWith("k8s."));
    }

    @Test
    void addsThePodIdentityInsideKubernetes() {
        Resource r = OtlpResource.build(
                "0.3.0",
                "aiwatch-x7k2p",
                Map.of(
                        "KUBERNETES_SERVICE_HOST",
                        "10.0.0.1",
                        "HOSTNAME",
                        "aiwatch-x7k2p",
                        "POD_NAMESPACE",
                        "monitoring",
                        "NODE_NAME",
                        "gpu-node-7",
                        "POD_UID",
                        "uid-1"),
                Map.of());
        assertThat(get(r, "k8s.pod.name")).isEqualTo("aiwatch-x7k2p");
        assertThat(get(r, "k8s.namespace.name")).isEqualTo("monitoring");
        assertThat(get(r, "k8s.node.name")).isEqualTo("gpu-node-7");
        assertThat(get(r, "k8s.pod.uid")).isEqualTo("uid-1");
    }

    @Test
    void environmentAndConfigOverrideDetectedValuesInThatOrder() {
        Resource r = OtlpResource.build(
                "0.3.0",
                "node",
                Map.of(
                        "OTEL_RESOURCE_ATTRIBUTES",
                                "deployment.environment.name=prod,service.name=from-attrs,team=ml%20infra,broken,k8s.cluster.name=c1",
                        "OTEL_SERVICE_NAME", "gpu-observer"),
                Map.of("k8s.cluster.name", "from-config"));
        assertThat(get(r, "service.name")).isEqualTo("gpu-observer");
        assertThat(get(r, "deployment.environment.name")).isEqualTo("prod");
        assertThat(get(r, "team")).isEqualTo("ml infra");
        assertThat(get(r, "k8s.cluster.name")).isEqualTo("from-config");
        assertThat(get(r, "broken")).isNull();
    }
}
