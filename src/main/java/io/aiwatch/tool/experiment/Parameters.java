package io.aiwatch.tool.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters of one step of an experiment as written in the spec (the workload's fixed
 * values with one level of each variable applied), or of one condition. Values are what YAML
 * gives: {@code String}, {@code Integer}/{@code Long}, {@code Double}, {@code Boolean}, lists and
 * mappings. Every getter fails with a {@link ParameterException} naming the key, which the spec
 * loader turns into file:line.
 */
public final class Parameters {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Map<String, Object> values;

    public Parameters(Map<String, ?> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Parameters empty() {
        return new Parameters(Map.of());
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    /** A copy with {@code overrides} applied on top. */
    public Parameters with(Map<String, ?> overrides) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.putAll(overrides);
        return new Parameters(m);
    }

    /** A copy without {@code keys}. */
    public Parameters without(Set<String> keys) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.keySet().removeAll(keys);
        return new Parameters(m);
    }

    /** Fails on the first key not in {@code known}, listing the known ones. */
    public void requireOnly(Set<String> known, String owner) {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new ParameterException(
                        k, "unknown parameter for " + owner + "; known: " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    public String text(String key, String dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Map || v instanceof List) {
            throw new ParameterException(key, "expected a string, got " + describe(v));
        }
        return String.valueOf(v);
    }

    public String requireText(String key) {
        String v = text(key, null);
        if (v == null || v.isBlank()) {
            throw new ParameterException(key, "required");
        }
        return v;
    }

    public double number(String key, double dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s && (s.equals("inf") || s.equals("Infinity"))) {
            return Double.POSITIVE_INFINITY;
        }
        throw new ParameterException(key, "expected a number, got " + describe(v));
    }

    public int integer(String key, int dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long) {
            long l = ((Number) v).longValue();
            if (l == (int) l) {
                return (int) l;
            }
        }
        throw new ParameterException(key, "expected a whole number, got " + describe(v));
    }

    public long whole(String key, long dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new ParameterException(key, "expected a whole number, got " + describe(v));
    }

    public boolean flag(String key, boolean dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ParameterException(key, "expected true or false, got " + describe(v));
    }

    /** A duration written as {@code 500ms}, {@code 10s}, {@code 5m} or {@code 1h}. */
    public Duration duration(String key, Duration dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return SpecText.duration(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(key, e.getMessage());
        }
    }

    /** A list of strings (a single string counts as a one-element list). */
    public List<String> texts(String key, List<String> dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        if (v instanceof Map) {
            throw new ParameterException(key, "expected a list, got " + describe(v));
        }
        return List.of(String.valueOf(v));
    }

    /** A nested mapping as parameters of its own (empty when absent). */
    @SuppressWarnings("unchecked")
    public Parameters section(String key) {
        Object v = values.get(key);
        if (v == null) {
            return empty();
        }
        if (v instanceof Map<?, ?> m) {
            return new Parameters((Map<String, ?>) m);
        }
        throw new ParameterException(key, "expected a mapping, got " + describe(v));
    }

    /**
     * Binds the parameters to a record or class with Jackson annotations, strictly: an unknown key
     * or a value of the wrong type fails with the key named.
     */
    public <T> T as(Class<T> type) {
        try {
            return STRICT.convertValue(values, type);
        } catch (IllegalArgumentException e) {
            Throwable c = e.getCause();
            if (c instanceof UnrecognizedPropertyException u) {
                throw new ParameterException(
                        u.getPropertyName(), "unknown parameter; known: " + u.getKnownPropertyIds());
            }
            if (c instanceof com.fasterxml.jackson.databind.JsonMappingException m
                    && !m.getPath().isEmpty()) {
                String key = m.getPath().get(0).getFieldName();
                Throwable root = m.getCause() != null ? m.getCause() : m;
                throw new ParameterException(key == null ? "?" : key, root.getMessage());
            }
            throw new ParameterException("?", e.getMessage());
        }
    }

    private static String describe(Object v) {
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        return "'" + v + "'";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameters p && p.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
