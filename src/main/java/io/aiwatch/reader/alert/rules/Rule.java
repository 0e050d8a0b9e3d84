package io.aiwatch.reader.alert.rules;

import io.aiwatch.reader.alert.promql.Expr;
import java.time.Duration;
import java.util.Map;

/** A loaded rule; {@code source} is {@code file:line} of its expression, for messages. */
public sealed interface Rule {
    String name();

    Expr expr();

    String exprText();

    String source();

    /**
     * An alerting rule.
     *
     * @param hold          {@code for:}: how long the condition must hold before the alert fires
     * @param keepFiringFor {@code keep_firing_for:}: how long it keeps firing after the condition clears
     * @param labels        label templates added to each alert
     * @param annotations   annotation templates
     */
    record Alerting(
            String name,
            Expr expr,
            String exprText,
            Duration hold,
            Duration keepFiringFor,
            Map<String, Template> labels,
            Map<String, Template> annotations,
            String source)
            implements Rule {
        public Alerting {
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
        }
    }

    /** A recording rule: its result is written back to the history under {@code name}. */
    record Recording(String name, Expr expr, String exprText, Map<String, String> labels, String source)
            implements Rule {
        public Recording {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * A rule group: evaluated in order at its own interval.
     *
     * @param interval evaluation interval (the file's {@code interval:} or the configured default)
     */
    record Group(String name, String file, Duration interval, java.util.List<Rule> rules) {
        public Group {
            rules = java.util.List.copyOf(rules);
        }
    }
}
