package io.aiwatch.cli;

import java.util.List;

/**
 * One of dcgm-exporter's command-line flags ({@code pkg/cmd/app.go}), as aiwatch accepts it.
 *
 * @param name        the long name without dashes, e.g. {@code collectors}
 * @param aliases     dcgm-exporter's other names without dashes, e.g. {@code f}
 * @param env         the environment variable that sets it when the flag is absent
 * @param type        how the value is written
 * @param status      what aiwatch does with it
 * @param meaning     what it does here (SUPPORTED, SAME_AS_DEFAULT) or why it cannot apply (WARNED)
 */
public record DcgmExporterFlag(
        String name, List<String> aliases, String env, Type type, Status status, String meaning) {

    /** The value syntax, as urfave/cli reads it. */
    public enum Type {
        /** {@code --flag}, {@code --flag=true|false}; env true/false/1/0/t/f. */
        BOOL,
        /** A decimal integer. */
        INT,
        /** Any text. */
        STRING,
        /** Comma-separated values; the flag may repeat. */
        LIST
    }

    /** How aiwatch treats the flag. */
    public enum Status {
        /** Same meaning as in dcgm-exporter. */
        SUPPORTED,
        /** aiwatch always behaves as the flag asks; accepted with an informational log line. */
        SAME_AS_DEFAULT,
        /** Cannot apply here; accepted with one warning naming the flag and why. */
        WARNED
    }

    public DcgmExporterFlag {
        aliases = List.copyOf(aliases);
    }

    /** Every name with its dashes: {@code --collectors}, {@code -f}. */
    public List<String> optionNames() {
        List<String> names = new java.util.ArrayList<>();
        names.add("--" + name);
        aliases.forEach(a -> names.add(a.length() == 1 ? "-" + a : "--" + a));
        return names;
    }
}
