package io.aiwatch.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations as people write them in YAML: {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h},
 * or a bare number of seconds. Kept here so the storage config needs no extra Jackson module.
 */
final class DurationText extends JsonDeserializer<Duration> {
    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT || p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
            return Duration.ofNanos(Math.round(p.getDoubleValue() * 1e9));
        }
        String text = p.getValueAsString();
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return (Duration) ctxt.handleWeirdStringValue(Duration.class, text, e.getMessage());
        }
    }

    /** Parses {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h}. */
    static Duration parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (expected e.g. 15s, 500ms, 2m): " + text);
        }
        double v = Double.parseDouble(m.group(1));
        double nanosPerUnit = switch (m.group(2)) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return Duration.ofNanos(Math.round(v * nanosPerUnit));
    }
}
