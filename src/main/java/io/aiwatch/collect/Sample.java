package io.aiwatch.collect;

/**
 * One sample line of a family.
 *
 * @param name     the full sample name: the family name, or for histograms the family name plus
 *                 {@code _bucket}, {@code _sum} or {@code _count}
 * @param labels   the sample's labels, in emission order
 * @param value    the value in the family's unit
 * @param exemplar an exemplar for a histogram {@code _bucket} sample, or null (the usual case)
 */
public record Sample(String name, Labels labels, double value, Exemplar exemplar) {
    /** A sample without exemplar. */
    public Sample(String name, Labels labels, double value) {
        this(name, labels, value, null);
    }
}
