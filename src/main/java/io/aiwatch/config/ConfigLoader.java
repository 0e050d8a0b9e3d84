package io.aiwatch.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Loads YAML configuration strictly: an unknown key, a wrong type or an invalid value stops
 * start-up with {@code file:line:column}, the key's path and what to write instead. It knows no
 * section: each feature owns its record (validating in its constructor, where an
 * {@link IllegalArgumentException} becomes this loader's error with the key's position).
 */
public final class ConfigLoader {
    private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            // A key written twice in one mapping is a mistake, not "the last one wins".
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** Reads {@code file} as {@code type}; a missing or unreadable file is a {@link ConfigException} too. */
    public <T> T load(Path file, Class<T> type) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such configuration file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text, type);
    }

    /** Parses {@code text} as {@code type}; {@code source} names it in error messages. */
    public <T> T parse(String source, String text, Class<T> type) throws ConfigException {
        if (text.isBlank() || holdsNoDocument(text)) {
            try {
                return mapper.readValue("{}", type);
            } catch (JsonProcessingException e) {
                throw new ConfigException(source + ": " + e.getOriginalMessage());
            }
        }
        try {
            return mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new ConfigException(describe(source, text, e));
        }
    }

    /** True for a YAML text of only comments, blank lines and document markers. */
    private boolean holdsNoDocument(String text) {
        try {
            JsonNode tree = mapper.readTree(text);
            return tree == null || tree.isMissingNode() || tree.isNull();
        } catch (JsonProcessingException e) {
            return false; // not empty: readValue reports the error with its position
        }
    }

    static String describe(String source, String text, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = source + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr());
        String path = e instanceof JsonMappingException m ? path(m) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            // The parser reports where it stopped, which can be past the key: name the key's own line.
            int line = keyLine(text, u.getPropertyName(), loc == null ? -1 : loc.getLineNr());
            if (line > 0) {
                where = source + ":" + line;
            }
            return where + ": unknown key '" + u.getPropertyName() + "'"
                    + (path.contains(".") ? " in " + path.substring(0, path.lastIndexOf('.')) : "")
                    + "; known keys here: " + known(u.getKnownPropertyIds());
        }
        if (e instanceof InvalidFormatException f) {
            return where + ": bad value '" + f.getValue() + "' for " + path + ": expected "
                    + simpleName(f.getTargetType());
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause() != null ? v.getCause() : v;
            return where + ": invalid " + (path.isEmpty() ? "configuration" : path) + ": " + cause.getMessage();
        }
        if (e instanceof MismatchedInputException m) {
            return where + ": wrong type for " + (path.isEmpty() ? "the document" : path) + ": expected "
                    + simpleName(m.getTargetType());
        }
        return where + ": " + e.getOriginalMessage();
    }

    /** The last line at or before {@code fromLine} that defines {@code key}, or -1. */
    private static int keyLine(String text, String key, int fromLine) {
        String[] lines = text.split("\r?\n", -1);
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(
                "^\\s*(-\\s+)?[\"']?" + java.util.regex.Pattern.quote(key) + "[\"']?\\s*:.*");
        for (int i = Math.min(fromLine, lines.length) - 1; i >= 0; i--) {
            if (p.matcher(lines[i]).matches()) {
                return i + 1;
            }
        }
        return -1;
    }

    private static String path(JsonMappingException m) {
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "?" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == java.time.Duration.class) {
            return "a duration such as 500ms, 1s, 5m, 1h or 1m30s";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping (" + type.getSimpleName() + ")";
    }
}
