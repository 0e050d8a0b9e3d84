package io.aiwatch.source.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * dcgm-exporter's counters CSV ({@code -f/--collectors}): {@code DCGM_FIELD, type, help} per line,
 * {@code #} comments, fields trimmed. As in dcgm-exporter, a bad type or a malformed line is
 * fatal; unlike it, the error names the file and line. A well-formed DCGM field name that aiwatch
 * does not provide is kept aside (listed on the status page and logged) instead of aborting, so
 * a user's existing CSV keeps working.
 */
public final class CountersFile {
    private static final Pattern FIELD_NAME = Pattern.compile("DCGM_(FI|EXP)_[A-Z0-9_]+");
    private static final Set<String> TYPES = Set.of("gauge", "counter", "histogram", "summary", "label");

    /** One accepted line. */
    public record Entry(DcgmField field, String type, String help, int line) {}

    /** The fields chosen, and the names that were skipped with why. */
    public record Selection(String source, List<Entry> entries, List<String> skipped) {
        public Selection {
            entries = List.copyOf(entries);
            skipped = List.copyOf(skipped);
        }
    }

    /** Thrown for a line that dcgm-exporter would also refuse. */
    public static final class InvalidCountersFileException extends Exception {
        public InvalidCountersFileException(String message) {
            super(message);
        }
    }

    private CountersFile() {}

    public static Selection load(Path path) throws IOException, InvalidCountersFileException {
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /** The built-in default: the same lines as dcgm-exporter's default-counters.csv. */
    public static Selection defaults() {
        try (var in = CountersFile.class.getResourceAsStream("/io/aiwatch/source/gpu/default-counters.csv")) {
            return parse("default-counters.csv", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | InvalidCountersFileException e) {
            throw new IllegalStateException("built-in default-counters.csv is broken", e);
        }
    }

    public static Selection parse(String source, String text) throws InvalidCountersFileException {
        List<Entry> entries = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(",", 3);
            if (parts.length != 3) {
                throw new InvalidCountersFileException(source + ":" + lineNo + ": expected 3 comma-separated fields "
                        + "'DCGM_FIELD, type, help', got " + parts.length + ": " + line);
            }
            String name = parts[0].trim();
            String type = parts[1].trim().toLowerCase(Locale.ROOT);
            String help = parts[2].trim();
            if (!FIELD_NAME.matcher(name).matches()) {
                throw new InvalidCountersFileException(source + ":" + lineNo + ": '" + name
                        + "' is not a DCGM field name (expected DCGM_FI_... or DCGM_EXP_...)");
            }
            if (!TYPES.contains(type)) {
                throw new InvalidCountersFileException(source + ":" + lineNo + ": type '" + parts[1].trim() + "' of "
                        + name + " must be one of gauge, counter, histogram, summary, label");
            }
            var field = DcgmField.byName(name);
            if (field.isEmpty()) {
                skipped.add(name + " (" + source + ":" + lineNo + "): not a field aiwatch knows");
            } else if (!field.get().isProvided()) {
                skipped.add(name + " (" + source + ":" + lineNo + "): "
                        + field.get().notProvided());
            } else if (type.equals("label") != (field.get().kind() == DcgmField.Kind.LABEL)) {
                throw new InvalidCountersFileException(source + ":" + lineNo + ": " + name + " is "
                        + (field.get().kind() == DcgmField.Kind.LABEL
                                ? "a string field; use type 'label'"
                                : "numeric; it cannot be a label"));
            } else if (type.equals("histogram") || type.equals("summary")) {
                throw new InvalidCountersFileException(
                        source + ":" + lineNo + ": " + name + " is a single value; use gauge or counter");
            } else {
                entries.add(new Entry(
                        field.get(), type, help.isEmpty() ? field.get().help() : help, lineNo));
            }
        }
        return new Selection(source, entries, skipped);
    }
}
