package io.aiwatch.reader.alert.rules;

import io.aiwatch.reader.alert.promql.Expr;
import io.aiwatch.reader.alert.promql.SampleHistory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Works out, from the loaded rules, which metrics the history must keep and for how long:
 * the longest range (or the lookback, for instant selectors) under which a rule selects each
 * metric, plus the group's interval as slack. A selector without a metric name keeps everything.
 */
public final class RetentionPlan {
    private RetentionPlan() {}

    public static SampleHistory.Retention of(List<Rule.Group> groups, Duration lookback) {
        Map<String, Duration> byName = new HashMap<>();
        Duration[] others = {null};
        for (Rule.Group g : groups) {
            for (Rule r : g.rules()) {
                walk(
                        r.expr(),
                        null,
                        (name, need) -> {
                            Duration d = need.plus(g.interval()).plusSeconds(1);
                            if (name == null) {
                                others[0] = others[0] == null || d.compareTo(others[0]) > 0 ? d : others[0];
                            } else {
                                byName.merge(name, d, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                            }
                        },
                        lookback);
            }
        }
        return new SampleHistory.Retention(byName, others[0]);
    }

    private interface Need {
        void add(String name, Duration d);
    }

    private static void walk(Expr e, Duration range, Need need, Duration lookback) {
        if (e instanceof Expr.Selector s) {
            need.add(s.name(), range != null ? range : lookback);
        } else if (e instanceof Expr.RangeSelector r) {
            walk(r.selector(), r.range(), need, lookback);
        } else if (e instanceof Expr.Negate n) {
            walk(n.operand(), null, need, lookback);
        } else if (e instanceof Expr.Binary b) {
            walk(b.lhs(), null, need, lookback);
            walk(b.rhs(), null, need, lookback);
        } else if (e instanceof Expr.Aggregate a) {
            walk(a.operand(), null, need, lookback);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(arg -> walk(arg, null, need, lookback));
        }
    }
}
