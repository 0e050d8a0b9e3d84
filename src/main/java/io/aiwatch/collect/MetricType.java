package io.aiwatch.collect;

/** The type of a metric family, as written on its {@code # TYPE} line. */
public enum MetricType {
    GAUGE("gauge"),
    COUNTER("counter"),
    HISTOGRAM("histogram"),
    SUMMARY("summary"),
    UNKNOWN("untyped");

    private final String textName;

    MetricType(String textName) {
        this.textName = textName;
    }

    /** The word used in the Prometheus text format 0.0.4. */
    public String textName() {
        return textName;
    }
}
