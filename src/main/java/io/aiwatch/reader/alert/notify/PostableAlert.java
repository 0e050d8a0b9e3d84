package io.aiwatch.reader.alert.notify;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * One alert as Alertmanager's API v2 {@code postableAlert} wants it: labels (identity),
 * annotations, startsAt (when it went firing), endsAt (validity while firing, the resolution
 * time once resolved) and an optional generatorURL.
 */
public record PostableAlert(
        SortedMap<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        String generatorUrl) {
    public PostableAlert {
        labels = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(labels));
        annotations = Map.copyOf(annotations);
    }

    /** True when {@code endsAt} is not after {@code now}: Alertmanager treats it as resolved. */
    public boolean resolvedAt(Instant now) {
        return !endsAt.isAfter(now);
    }

    /** The JSON object (as maps and strings) for the request body. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("labels", labels);
        m.put("annotations", new java.util.TreeMap<>(annotations));
        m.put("startsAt", DateTimeFormatter.ISO_INSTANT.format(startsAt));
        m.put("endsAt", DateTimeFormatter.ISO_INSTANT.format(endsAt));
        if (generatorUrl != null) {
            m.put("generatorURL", generatorUrl);
        }
        return m;
    }
}
