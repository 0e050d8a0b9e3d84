package io.aiwatch.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every aiwatch setting (YAML, flags, web-config): Go's
 * {@code time.ParseDuration} for values {@code >= 0}, as Prometheus exporters write them
 * ({@code 250ms}, {@code 1.5s}, {@code 1m30s}, {@code 1h}; units {@code ns us µs ms s m h}; a bare
 * {@code 0}). A number without unit is refused, as Go refuses it: {@code 1000} could mean
 * milliseconds (dcgm-exporter's {@code -c}) as well as seconds.
 */
public final class DurationText {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private DurationText() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying what to write instead
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        double nanos = 0;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            nanos += n
                    * switch (m.group(2)) {
                        case "ns" -> 1d;
                        case "us", "µs" -> 1e3;
                        case "ms" -> 1e6;
                        case "s" -> 1e9;
                        case "m" -> 60e9;
                        default -> 3600e9;
                    };
            at = m.end();
        }
        if (at == 0 || at != t.length()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration; write e.g. 500ms, 1s, 5m or 1h (or 1m30s)");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** The shortest exact spelling in whole units: {@code 1h}, {@code 5m}, {@code 15s}, else milliseconds. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /**
     * Reads a YAML value with {@link #parse}. A record component of type {@link Duration} takes it
     * with {@code @JsonDeserialize(using = DurationText.Json.class)}; through {@link ConfigLoader} a
     * bad value becomes a {@link ConfigException} naming file, line and key.
     */
    public static final class Json extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getText();
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                return (Duration) ctxt.handleWeirdStringValue(Duration.class, text, e.getMessage());
            }
        }
    }
}
