package io.aiwatch.tool.experiment;

import io.aiwatch.config.ConfigException;
import io.aiwatch.config.ConfigLoader;
import io.aiwatch.config.DurationText;
import java.time.Duration;

/**
 * The one place that uses the daemon's configuration toolkit ({@code io.aiwatch.config}): the
 * strict YAML loader (unknown keys and wrong types fail with file:line) and the duration syntax.
 * When that toolkit is renamed only this class changes.
 */
public final class SpecText {
    private static final ConfigLoader LOADER = new ConfigLoader();

    private SpecText() {}

    /** Parses {@code text} strictly as {@code type}; errors name {@code source}:line:column. */
    public static <T> T parse(String source, String text, Class<T> type) throws SpecException {
        try {
            return LOADER.parse(source, text, type);
        } catch (ConfigException e) {
            throw new SpecException(e.getMessage());
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
    public static Duration duration(String text) {
        return DurationText.parse(text);
    }

    public static String format(Duration d) {
        return DurationText.format(d);
    }
}
