package io.aiwatch.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * The process's one log handler: every record, ours and the libraries', as one {@link LogLine}. A
 * warning or error that repeats (same logger, level, message and error type) is written once; further
 * occurrences within {@link #WINDOW} are counted, and the first one after the window is written with
 * {@code repeated=N since=…}, so a collector that is down for an hour costs twelve lines, not four
 * hundred.
 */
final class LogHandler extends Handler {
    /** How long identical warnings are held back after one is written. */
    static final Duration WINDOW = Duration.ofMinutes(5);

    private static final int MAX_KEYS = 256;

    private final PrintStream out;
    private final InstantSource clock;
    private volatile LogLine line;
    private final Map<String, Held> held = new LinkedHashMap<>();

    private static final class Held {
        Instant written;
        long suppressed;

        Held(Instant written) {
            this.written = written;
        }
    }

    LogHandler(PrintStream out, InstantSource clock, LogLine line) {
        this.out = out;
        this.clock = clock;
        this.line = line;
    }

    void setLine(LogLine line) {
        this.line = line;
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null || !isLoggable(r)) {
            return;
        }
        String message;
        try {
            message = r.getParameters() == null || r.getParameters().length == 0
                    ? Objects.toString(r.getMessage(), "")
                    : java.text.MessageFormat.format(r.getMessage(), r.getParameters());
        } catch (IllegalArgumentException e) {
            message = Objects.toString(r.getMessage(), "");
        }
        long repeats = 0;
        String since = "";
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            String key = r.getLoggerName()
                    + '|'
                    + r.getLevel()
                    + '|'
                    + message
                    + '|'
                    + (r.getThrown() == null ? "" : r.getThrown().getClass().getName());
            Instant now = clock.instant();
            synchronized (held) {
                Held h = held.get(key);
                if (h != null && now.isBefore(h.written.plus(WINDOW))) {
                    h.suppressed++;
                    return;
                }
                if (h != null) {
                    repeats = h.suppressed;
                    since = h.written.toString();
                    h.written = now;
                    h.suppressed = 0;
                } else {
                    if (held.size() >= MAX_KEYS) {
                        held.remove(held.keySet().iterator().next());
                    }
                    held.put(key, new Held(now));
                }
            }
        }
        String text = line.format(r, message, repeats, since);
        synchronized (out) {
            out.print(text);
            out.flush();
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
