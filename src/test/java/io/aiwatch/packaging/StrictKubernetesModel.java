package io.aiwatch.packaging;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses rendered manifests with the fabric8 Kubernetes model, strictly: the model keeps fields it
 * does not know in {@code additionalProperties}, so after parsing every object of the tree is
 * walked and any such field fails, with its path ({@code DaemonSet/aiwatch: spec.template.spec.containers[0].securityContex}).
 */
final class StrictKubernetesModel {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictKubernetesModel() {}

    /** Every document of a multi-document YAML stream, typed by apiVersion and kind. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            String body = doc.replaceAll("(?m)^#.*$", "").trim();
            if (body.isEmpty()) {
                continue;
            }
            Object o = SERIALIZATION.unmarshal(body);
            if (!(o instanceof HasMetadata resource)) {
                throw new AssertionError("not a Kubernetes object: " + body.substring(0, Math.min(200, body.length())));
            }
            if (resource.getClass().getName().contains("GenericKubernetesResource")) {
                throw new AssertionError("no model for " + resource.getApiVersion() + " " + resource.getKind());
            }
            List<String> unknown = new ArrayList<>();
            walk(resource, "", unknown, new IdentityHashMap<>());
            if (!unknown.isEmpty()) {
                throw new AssertionError(
                        resource.getKind() + "/" + resource.getMetadata().getName() + ": unknown fields " + unknown);
            }
            out.add(resource);
        }
        return out;
    }

    private static void walk(Object o, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object v;
                try {
                    v = f.get(o);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (f.getName().equals("additionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add((path.isEmpty() ? "" : path.substring(1) + ".") + k));
                    }
                    continue;
                }
                walk(v, path + "." + f.getName(), unknown, seen);
            }
        }
    }
}
