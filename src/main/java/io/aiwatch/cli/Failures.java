package io.aiwatch.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * What {@code aiwatch loadgen} says about failed requests after a run, and its exit status: the
 * server's error bodies by reason (so a misconfigured run explains itself), 1 when every request
 * failed or, with --fail-on-error, when any did.
 */
final class Failures {
    private Failures() {}

    static int report(List<Map<String, Object>> results, boolean failOnError, PrintStream err) {
        long completed = 0;
        long failed = 0;
        for (Map<String, Object> r : results) {
            completed += r.get("completed") instanceof Number n ? n.longValue() : 0;
            failed += r.get("failed") instanceof Number n ? n.longValue() : 0;
            if (r.get("error_bodies") instanceof Map<?, ?> bodies && !bodies.isEmpty()) {
                err.println("Failed requests by reason:");
                for (Map.Entry<?, ?> e : bodies.entrySet()) {
                    for (Object o : (List<?>) e.getValue()) {
                        Map<?, ?> b = (Map<?, ?>) o;
                        String body = String.valueOf(b.get("body"));
                        err.println("  " + e.getKey() + " x" + b.get("count")
                                + (b.get("status") != null ? " (HTTP " + b.get("status") + ")" : "") + ": "
                                + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
                    }
                }
            }
        }
        if (failed > 0 && completed == 0) {
            err.println("aiwatch loadgen: all " + failed + " requests failed");
            return 1;
        }
        if (failed > 0 && failOnError) {
            err.println("aiwatch loadgen: " + failed + " requests failed (--fail-on-error)");
            return 1;
        }
        return 0;
    }
}
