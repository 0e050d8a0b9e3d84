package io.aiwatch.reader.alert.rules;

import io.aiwatch.reader.alert.promql.Element;
import io.aiwatch.reader.alert.promql.Engine;
import io.aiwatch.reader.alert.promql.EvalException;
import io.aiwatch.reader.alert.promql.SampleHistory;
import io.aiwatch.reader.alert.rules.AlertState.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Evaluates rule groups the way Prometheus 2.42's rule manager does: a function of the rules,
 * the previous alert states, the sample history and the evaluation time. Recording rules write
 * their results into the history at the evaluation time (as Prometheus writes to its TSDB), so
 * later rules of the same group see them; nothing else is changed.
 */
public final class AlertEvaluator {
    /** How long a resolved alert is kept (and re-sent), as Prometheus' {@code resolvedRetention}. */
    public static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);

    private final Duration lookback;
    private final Map<String, String> externalLabels;

    public AlertEvaluator(Duration lookback, Map<String, String> externalLabels) {
        this.lookback = lookback;
        this.externalLabels = Map.copyOf(externalLabels);
    }

    /**
     * The outcome of evaluating one group.
     *
     * @param alerts per alerting rule (keyed by the rule's index in the group), its alerts by labels
     * @param errors rule source and message for each rule that failed; its previous alerts are kept
     */
    public record Result(Map<Integer, Map<SortedMap<String, String>, AlertState>> alerts, List<String> errors) {}

    /** Evaluates {@code group} at {@code now}, starting from {@code previous} (empty map on the first run). */
    public Result evaluate(
            Rule.Group group,
            Map<Integer, Map<SortedMap<String, String>, AlertState>> previous,
            SampleHistory history,
            Instant now) {
        Engine engine = new Engine(history, lookback);
        long t = now.toEpochMilli();
        Map<Integer, Map<SortedMap<String, String>, AlertState>> out = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < group.rules().size(); i++) {
            Rule rule = group.rules().get(i);
            try {
                if (rule instanceof Rule.Recording r) {
                    record(r, engine.vector(r.expr(), t), history, t);
                } else {
                    Rule.Alerting a = (Rule.Alerting) rule;
                    out.put(i, alert(a, previous.getOrDefault(i, Map.of()), engine.vector(a.expr(), t), now));
                }
            } catch (EvalException e) {
                errors.add(rule.source() + ": " + rule.name() + ": " + e.getMessage());
                if (rule instanceof Rule.Alerting) {
                    out.put(i, previous.getOrDefault(i, Map.of()));
                }
            }
        }
        return new Result(out, errors);
    }

    private static void record(Rule.Recording r, List<Element> result, SampleHistory history, long t) {
        List<Map<String, String>> seen = new ArrayList<>();
        for (Element el : result) {
            TreeMap<String, String> labels = new TreeMap<>(el.labels());
            labels.put("__name__", r.name());
            r.labels().forEach((k, v) -> {
                if (v.isEmpty()) {
                    labels.remove(k);
                } else {
                    labels.put(k, v);
                }
            });
            if (seen.contains(labels)) {
                throw new EvalException("vector contains metrics with the same labelset after applying rule labels");
            }
            seen.add(labels);
        }
        for (int i = 0; i < result.size(); i++) {
            history.append(seen.get(i), t, result.get(i).value());
        }
    }

    /** One alerting rule's step: Prometheus' {@code AlertingRule.Eval}. */
    Map<SortedMap<String, String>, AlertState> alert(
            Rule.Alerting rule,
            Map<SortedMap<String, String>, AlertState> previous,
            List<Element> result,
            Instant now) {
        Map<SortedMap<String, String>, AlertState> fresh = new LinkedHashMap<>();
        for (Element el : result) {
            Map<String, String> tmplLabels = el.labels();
            TreeMap<String, String> labels = new TreeMap<>(el.labels());
            labels.remove("__name__");
            rule.labels().forEach((k, tmpl) -> {
                String v = tmpl.expand(tmplLabels, el.value(), externalLabels);
                if (v.isEmpty()) {
                    labels.remove(k);
                } else {
                    labels.put(k, v);
                }
            });
            Map<String, String> annotations = new LinkedHashMap<>();
            rule.annotations()
                    .forEach((k, tmpl) -> annotations.put(k, tmpl.expand(tmplLabels, el.value(), externalLabels)));
            labels.put("alertname", rule.name());
            if (fresh.containsKey(labels)) {
                throw new EvalException("vector contains metrics with the same labelset after applying alert labels");
            }
            fresh.put(
                    labels,
                    new AlertState(labels, annotations, State.PENDING, el.value(), now, null, null, null, null, null));
        }
        Map<SortedMap<String, String>, AlertState> active = new LinkedHashMap<>(previous);
        for (Map.Entry<SortedMap<String, String>, AlertState> e : fresh.entrySet()) {
            AlertState existing = active.get(e.getKey());
            if (existing != null && existing.state() != State.INACTIVE) {
                active.put(
                        e.getKey(),
                        existing.withValue(e.getValue().value(), e.getValue().annotations()));
            } else {
                active.put(e.getKey(), e.getValue());
            }
        }
        Map<SortedMap<String, String>, AlertState> next = new LinkedHashMap<>();
        for (Map.Entry<SortedMap<String, String>, AlertState> e : active.entrySet()) {
            AlertState a = e.getValue();
            if (!fresh.containsKey(e.getKey())) {
                boolean keepFiring = false;
                Instant keepSince = a.keepFiringSince();
                if (a.state() == State.FIRING && !rule.keepFiringFor().isZero()) {
                    if (keepSince == null) {
                        keepSince = now;
                    }
                    keepFiring = Duration.between(keepSince, now).compareTo(rule.keepFiringFor()) < 0;
                }
                boolean delete = a.state() == State.PENDING
                        || (a.resolvedAt() != null
                                && Duration.between(a.resolvedAt(), now).compareTo(RESOLVED_RETENTION) > 0);
                if (keepFiring) {
                    next.put(e.getKey(), a.with(a.state(), a.firedAt(), a.resolvedAt(), keepSince));
                    continue;
                }
                if (!delete) {
                    next.put(
                            e.getKey(),
                            a.state() != State.INACTIVE ? a.with(State.INACTIVE, a.firedAt(), now, keepSince) : a);
                }
                continue;
            }
            a = a.with(a.state(), a.firedAt(), a.resolvedAt(), null);
            if (a.state() == State.PENDING
                    && Duration.between(a.activeAt(), now).compareTo(rule.hold()) >= 0) {
                a = a.with(State.FIRING, now, a.resolvedAt(), null);
            }
            next.put(e.getKey(), a);
        }
        return next;
    }
}
