package io.aiwatch.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One log record as one line, in the two shapes Prometheus' own exporters write: logfmt
 * ({@code time=… level=info logger=Daemon msg="…" err="…"}, go-kit/slog text) and JSON ({@code
 * {"time":…,"level":"INFO","logger":…,"msg":…,"error":…}}, slog's JSON handler, as dcgm-exporter
 * writes with {@code --log-format json}). A throwable becomes its message chain ({@code err}); the
 * stack trace is written only at debug level, as an escaped {@code stack} field, so every record stays
 * one line.
 *
 * @param json        JSON rather than logfmt
 * @param stackTraces whether to add the {@code stack} field (debug level)
 */
record LogLine(boolean json, boolean stackTraces) {

    /** The line for {@code r}, newline included; {@code repeats} > 0 adds how often it was held back. */
    String format(LogRecord r, String message, long repeats, String since) {
        StringBuilder b = new StringBuilder(160);
        if (json) {
            b.append('{');
        }
        field(b, "time", Instant.ofEpochMilli(r.getMillis()).toString(), false);
        field(b, "level", level(r.getLevel()), true);
        field(b, "logger", shortName(r.getLoggerName()), true);
        field(b, "msg", message, true);
        if (repeats > 0) {
            field(b, "repeated", Long.toString(repeats), true);
            field(b, "since", since, true);
        }
        Throwable t = r.getThrown();
        if (t != null) {
            field(b, json ? "error" : "err", chain(t), true);
            if (stackTraces) {
                StringWriter w = new StringWriter();
                t.printStackTrace(new PrintWriter(w));
                field(b, "stack", w.toString(), true);
            }
        }
        return b.append(json ? "}\n" : "\n").toString();
    }

    /** {@code ConnectException: Connection refused} and the causes behind it, as Go wraps errors. */
    static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null && b.length() < 1000; c = c.getCause()) {
            String text = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
            if (b.indexOf(text) >= 0) {
                continue;
            }
            if (b.length() > 0) {
                b.append(" <- ");
            }
            b.append(text);
        }
        return b.toString();
    }

    private String level(Level l) {
        String name;
        if (l.intValue() >= Level.SEVERE.intValue()) {
            name = "error";
        } else if (l.intValue() >= Level.WARNING.intValue()) {
            name = "warn";
        } else if (l.intValue() >= Level.INFO.intValue()) {
            name = "info";
        } else {
            name = "debug";
        }
        return json ? name.toUpperCase(java.util.Locale.ROOT) : name;
    }

    /** {@code io.aiwatch.daemon.Daemon} → {@code Daemon}; third-party loggers keep their full name. */
    private static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "root";
        }
        return logger.startsWith("io.aiwatch.") ? logger.substring(logger.lastIndexOf('.') + 1) : logger;
    }

    private void field(StringBuilder b, String key, String value, boolean separator) {
        if (separator) {
            b.append(json ? ',' : ' ');
        }
        if (json) {
            b.append('"').append(key).append("\":");
            quote(b, value);
            return;
        }
        b.append(key).append('=');
        if (!value.isEmpty() && value.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f)) {
            b.append(value);
        } else {
            quote(b, value);
        }
    }

    private static void quote(StringBuilder b, String value) {
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
