package io.aiwatch.tool.experiment;

import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The workload and condition kinds available to specs: every {@link WorkloadType} and {@link
 * ConditionType} listed in {@code META-INF/services} (built-ins and those of other packages, such
 * as the GPU and storage workloads), plus any a caller adds (tests).
 */
public final class Plugins {
    private final Map<String, WorkloadType> workloads = new TreeMap<>();
    private final Map<String, ConditionType> conditions = new TreeMap<>();

    /** The kinds found on the class path. */
    public static Plugins discover() {
        Plugins p = new Plugins();
        ClassLoader cl = Plugins.class.getClassLoader();
        ServiceLoader.load(WorkloadType.class, cl).forEach(p::add);
        ServiceLoader.load(ConditionType.class, cl).forEach(p::add);
        return p;
    }

    /** Adds a workload kind; a second kind of the same name is a packaging mistake and fails. */
    public Plugins add(WorkloadType type) {
        WorkloadType old = workloads.putIfAbsent(type.kind(), type);
        if (old != null && old.getClass() != type.getClass()) {
            throw new IllegalStateException("two workload kinds named '" + type.kind() + "': "
                    + old.getClass().getName() + " and " + type.getClass().getName());
        }
        return this;
    }

    public Plugins add(ConditionType type) {
        ConditionType old = conditions.putIfAbsent(type.kind(), type);
        if (old != null && old.getClass() != type.getClass()) {
            throw new IllegalStateException("two condition kinds named '" + type.kind() + "': "
                    + old.getClass().getName() + " and " + type.getClass().getName());
        }
        return this;
    }

    public WorkloadType workload(String kind) {
        return workloads.get(kind);
    }

    public ConditionType condition(String kind) {
        return conditions.get(kind);
    }

    public Collection<WorkloadType> workloads() {
        return workloads.values();
    }

    public Collection<ConditionType> conditions() {
        return conditions.values();
    }
}
