package io.aiwatch.cli;

import io.aiwatch.config.ConfigException;
import java.io.PrintStream;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One logging voice for the whole process: java.util.logging is the API (ours, the OTel SDK's, and
 * Jetty's and Javalin's through slf4j-jdk14), and one {@link LogHandler} on the root logger writes
 * every record as one line to standard error: logfmt by default, JSON with {@code --log.format=json};
 * {@code --log.level} as Prometheus' exporters spell it. dcgm-exporter's {@code --debug} and {@code
 * --log-format text|json} keep working ({@code text} is logfmt); aiwatch's flags win when both are
 * given. Jetty's and Javalin's start-up lines are below the threshold: a library speaks when it warns.
 */
final class LogSetup {
    /** Loggers whose INFO lines are banners; strong references, since JUL forgets unreferenced levels. */
    private static final List<Logger> QUIET = List.of(
            Logger.getLogger("org.eclipse.jetty"), Logger.getLogger("io.javalin"), Logger.getLogger("org.slf4j"));

    private static final Logger AIWATCH = Logger.getLogger("io.aiwatch");

    /** Javalin logs this at error level and then throws; the daemon reports the exception once. */
    private static final String JAVALIN_START_FAILED = "Failed to start Javalin";

    private static LogHandler handler;

    private LogSetup() {}

    /** Logfmt at info to standard error; every command starts here. */
    static synchronized LogHandler install(PrintStream out, InstantSource clock) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        handler = new LogHandler(out, clock, new LogLine(false, false));
        handler.setFilter(r -> !(JAVALIN_START_FAILED.equals(r.getMessage())
                && String.valueOf(r.getLoggerName()).startsWith("io.javalin")));
        root.addHandler(handler);
        setLevel(Level.INFO);
        return handler;
    }

    static synchronized void install() {
        if (handler == null) {
            install(System.err, InstantSource.system());
        }
    }

    /**
     * The daemon's flags: {@code level} (debug, info, warn, error) and {@code format} (logfmt, json),
     * either null when not given, then dcgm-exporter's {@code --debug} and {@code --log-format}.
     */
    static synchronized void apply(DcgmExporterSettings dcgmExporter, String level, String format)
            throws ConfigException {
        install();
        Level l =
                level != null && !level.isBlank() ? parseLevel(level) : dcgmExporter.debug() ? Level.FINE : Level.INFO;
        String f = format != null && !format.isBlank() ? format.trim().toLowerCase(Locale.ROOT) : null;
        if (f != null && !f.equals("logfmt") && !f.equals("json")) {
            throw new ConfigException("--log.format: must be logfmt or json, not '" + format + "'");
        }
        if (f == null) {
            f = "json".equals(dcgmExporter.logFormat()) ? "json" : "logfmt";
        }
        handler.setLine(new LogLine(f.equals("json"), l.intValue() <= Level.FINE.intValue()));
        setLevel(l);
    }

    static Level parseLevel(String text) throws ConfigException {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> throw new ConfigException("--log.level: must be debug, info, warn or error, not '" + text + "'");
        };
    }

    private static void setLevel(Level l) {
        Logger.getLogger("").setLevel(l);
        AIWATCH.setLevel(l);
        handler.setLevel(l);
        Level libraries = l.intValue() <= Level.FINE.intValue() ? Level.INFO : Level.WARNING;
        for (Logger q : QUIET) {
            q.setLevel(libraries.intValue() < l.intValue() ? l : libraries);
        }
    }
}
