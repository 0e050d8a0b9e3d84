package io.aiwatch.reader.alert.rules;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * One alert instance of an alerting rule, as Prometheus keeps it between evaluations.
 *
 * @param labels          the alert's identity: result labels (without {@code __name__}), rule labels, {@code alertname}
 * @param annotations     expanded annotations of the latest evaluation
 * @param state           pending, firing, or inactive (resolved, kept for re-sending)
 * @param value           the query value of the latest evaluation it was active in
 * @param activeAt        when the condition first held (pending since)
 * @param firedAt         when it went firing, or null
 * @param resolvedAt      when it resolved, or null
 * @param keepFiringSince when the condition stopped holding while keep_firing_for kept it firing, or null
 * @param lastSentAt      when it was last handed to the notifier, or null
 * @param validUntil      the endsAt sent with the last firing notification, or null
 */
public record AlertState(
        SortedMap<String, String> labels,
        Map<String, String> annotations,
        State state,
        double value,
        Instant activeAt,
        Instant firedAt,
        Instant resolvedAt,
        Instant keepFiringSince,
        Instant lastSentAt,
        Instant validUntil) {

    /** Alert states, as Prometheus' {@code alertstate} label writes them. */
    public enum State {
        INACTIVE,
        PENDING,
        FIRING;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AlertState {
        labels = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(labels));
        annotations = Map.copyOf(annotations);
    }

    public AlertState with(State s, Instant firedAt, Instant resolvedAt, Instant keepFiringSince) {
        return new AlertState(
                labels, annotations, s, value, activeAt, firedAt, resolvedAt, keepFiringSince, lastSentAt, validUntil);
    }

    AlertState withValue(double v, Map<String, String> newAnnotations) {
        return new AlertState(
                labels,
                newAnnotations,
                state,
                v,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                lastSentAt,
                validUntil);
    }

    public AlertState sent(Instant at, Instant until) {
        return new AlertState(
                labels, annotations, state, value, activeAt, firedAt, resolvedAt, keepFiringSince, at, until);
    }
}
