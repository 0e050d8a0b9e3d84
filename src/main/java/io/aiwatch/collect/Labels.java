package io.aiwatch.collect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, ordered set of label name/value pairs.
 *
 * <p>Order is kept as given, not sorted: dcgm-exporter compatible families emit their labels in
 * dcgm-exporter's own order ({@code gpu, UUID, pci_bus_id, device, modelName, Hostname, ...}) and
 * downstream tools that diff exposition text expect exactly that.
 */
public final class Labels {
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /** {@code Labels.of("gpu", "0", "UUID", "GPU-...")}; names must be unique, values non-null. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "labels need name/value pairs, got " + namesAndValues.length + " strings");
        }
        int n = namesAndValues.length / 2;
        String[] names = new String[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = validName(namesAndValues[2 * i]);
            values[i] = Objects.requireNonNull(namesAndValues[2 * i + 1], () -> "value of label " + names[0]);
        }
        checkUnique(names);
        return new Labels(names, values);
    }

    /** A copy with one more label at the end. */
    public Labels and(String name, String value) {
        String[] n = Arrays.copyOf(names, names.length + 1);
        String[] v = Arrays.copyOf(values, values.length + 1);
        n[names.length] = validName(name);
        v[values.length] = Objects.requireNonNull(value, name);
        checkUnique(n);
        return new Labels(n, v);
    }

    /** A copy with all labels of {@code other} appended. */
    public Labels and(Labels other) {
        if (other.size() == 0) {
            return this;
        }
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            kv.add(names[i]);
            kv.add(values[i]);
        }
        for (int i = 0; i < other.size(); i++) {
            kv.add(other.names[i]);
            kv.add(other.values[i]);
        }
        return of(kv.toArray(String[]::new));
    }

    public int size() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The value of {@code name}, or null when absent. */
    public String get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    private static String validName(String name) {
        if (name == null || name.isEmpty() || !isValidLabelName(name)) {
            throw new IllegalArgumentException("invalid label name: " + name);
        }
        return name;
    }

    /** Prometheus label names: {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
    public static boolean isValidLabelName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static void checkUnique(String[] names) {
        for (int i = 0; i < names.length; i++) {
            for (int j = i + 1; j < names.length; j++) {
                if (names[i].equals(names[j])) {
                    throw new IllegalArgumentException("duplicate label name: " + names[i]);
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && Arrays.equals(names, l.names) && Arrays.equals(values, l.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(names[i]).append("=\"").append(values[i]).append('"');
        }
        return sb.append('}').toString();
    }
}
