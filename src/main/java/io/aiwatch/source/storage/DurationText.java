package io.aiwatch.source.storage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.time.Duration;

/**
 * Reads durations as people write them in YAML: {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h},
 * or a bare number of seconds: a Jackson deserializer over {@link io.aiwatch.config.DurationText}.
 */
final class DurationText extends JsonDeserializer<Duration> {

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

    /** Parses {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h}: the daemon's one duration syntax. */
    static Duration parse(String text) {
        return io.aiwatch.config.DurationText.parse(text == null ? null : text.replace(" ", ""));
    }
}
