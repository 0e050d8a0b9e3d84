package io.aiwatch.cli;

import io.aiwatch.config.ConfigException;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * dcgm-exporter's {@code --debug} and {@code --log-format text|json} on java.util.logging: debug
 * lowers the root level to FINE; json writes one object per line ({@code time}, {@code level},
 * {@code logger}, {@code msg}, and {@code error} when a throwable is attached), as Go's slog
 * JSON handler does, so log pipelines that parsed dcgm-exporter keep working.
 */
final class LogSetup {

    private LogSetup() {}

    static void apply(DcgmExporterSettings settings) throws ConfigException {
        Logger root = Logger.getLogger("");
        String format = settings.logFormat();
        boolean debug = settings.debug();
        for (Handler h : root.getHandlers()) {
            if (debug) {
                h.setLevel(Level.FINE);
            }
            if ("json".equals(format)) {
                h.setFormatter(new JsonLines());
            }
        }
        if (debug) {
            root.setLevel(Level.FINE);
            Logger.getLogger("io.aiwatch").setLevel(Level.FINE);
        }
    }

    /** One JSON object per record. */
    static final class JsonLines extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder(128).append('{');
            field(b, "time", Instant.ofEpochMilli(r.getMillis()).toString()).append(',');
            field(b, "level", level(r.getLevel())).append(',');
            field(b, "logger", r.getLoggerName() == null ? "" : r.getLoggerName())
                    .append(',');
            field(b, "msg", formatMessage(r));
            if (r.getThrown() != null) {
                b.append(',');
                field(b, "error", String.valueOf(r.getThrown()));
            }
            return b.append("}\n").toString();
        }

        private static String level(Level l) {
            if (l.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (l.intValue() >= Level.WARNING.intValue()) {
                return "WARN";
            }
            return l.intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
        }

        private static StringBuilder field(StringBuilder b, String key, String value) {
            b.append('"').append(key).append("\":\"");
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
            return b.append('"');
        }
    }
}
