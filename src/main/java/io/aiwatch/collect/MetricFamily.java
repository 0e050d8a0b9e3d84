package io.aiwatch.collect;

import java.util.List;
import java.util.Objects;

/**
 * A named group of samples of one type, as Prometheus sees it.
 *
 * @param name    family name; for dcgm-exporter compatible families exactly the DCGM field name
 * @param help    one line of help text
 * @param type    the type written on the {@code # TYPE} line
 * @param samples the samples, copied; order is emission order
 */
public record MetricFamily(String name, String help, MetricType type, List<Sample> samples) {
    public MetricFamily {
        Objects.requireNonNull(name, "name");
        help = help == null ? "" : help;
        Objects.requireNonNull(type, "type");
        samples = List.copyOf(samples);
    }

    /** A gauge or counter family whose samples all carry the family's own name. */
    public static Builder builder(String name, MetricType type, String help) {
        return new Builder(name, type, help);
    }

    /** Collects samples for one family; not thread-safe, used inside one collect() call. */
    public static final class Builder {
        private final String name;
        private final MetricType type;
        private final String help;
        private final java.util.ArrayList<Sample> samples = new java.util.ArrayList<>();

        private Builder(String name, MetricType type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
        }

        public Builder add(Labels labels, double value) {
            samples.add(new Sample(name, labels, value));
            return this;
        }

        public Builder addSample(String sampleName, Labels labels, double value) {
            samples.add(new Sample(sampleName, labels, value));
            return this;
        }

        public boolean isEmpty() {
            return samples.isEmpty();
        }

        public MetricFamily build() {
            return new MetricFamily(name, help, type, samples);
        }
    }
}
