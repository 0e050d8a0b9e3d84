package io.aiwatch.reader.alert.promql;

import io.aiwatch.reader.alert.promql.Expr.BinaryOp;
import io.aiwatch.reader.alert.promql.Expr.VectorMatching;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Evaluates a parsed expression at one instant over a {@link SampleHistory}, with Prometheus
 * 2.x semantics: instant selectors look back {@code lookback} (5m) to the newest sample unless
 * it is a staleness marker; range selectors take samples in {@code [t - range, t]}; comparisons
 * filter (keeping the metric name) unless {@code bool}; arithmetic drops the metric name.
 * Stateless apart from the history it reads.
 */
public final class Engine {
    /** Prometheus' default {@code --query.lookback-delta}. */
    public static final Duration DEFAULT_LOOKBACK = Duration.ofMinutes(5);

    private final SampleHistory history;
    private final long lookbackMillis;

    public Engine(SampleHistory history, Duration lookback) {
        this.history = history;
        this.lookbackMillis = lookback.toMillis();
    }

    /** The instant vector (a scalar result becomes one element without labels). */
    public List<Element> vector(Expr e, long t) {
        Object v = eval(e, t);
        if (v instanceof Double d) {
            return List.of(new Element(new TreeMap<>(), d));
        }
        @SuppressWarnings("unchecked")
        List<Element> list = (List<Element>) v;
        return list;
    }

    /** Evaluates to a {@code Double} (scalar) or a {@code List<Element>} (instant vector). */
    Object eval(Expr e, long t) {
        if (e instanceof Expr.NumberLit n) {
            return n.value();
        }
        if (e instanceof Expr.Selector s) {
            return select(s, t);
        }
        if (e instanceof Expr.Negate neg) {
            Object v = eval(neg.operand(), t);
            if (v instanceof Double d) {
                return -d;
            }
            return map(asVector(v), el -> el.withoutName().withValue(-el.value()));
        }
        if (e instanceof Expr.Binary b) {
            return binary(b, t);
        }
        if (e instanceof Expr.Aggregate a) {
            return Aggregation.apply(a, asVector(eval(a.operand(), t)));
        }
        if (e instanceof Expr.Call c) {
            return Functions.call(this, c, t);
        }
        throw new EvalException("cannot evaluate " + e.getClass().getSimpleName() + " here");
    }

    @SuppressWarnings("unchecked")
    static List<Element> asVector(Object v) {
        return (List<Element>) v;
    }

    private static List<Element> map(List<Element> in, java.util.function.UnaryOperator<Element> f) {
        List<Element> out = new ArrayList<>(in.size());
        for (Element el : in) {
            out.add(f.apply(el));
        }
        return out;
    }

    private List<Element> select(Expr.Selector s, long t) {
        List<Element> out = new ArrayList<>();
        for (Series series : history.select(s.matchers())) {
            int i = series.indexAtOrBefore(t);
            if (i < 0 || series.time(i) < t - lookbackMillis || Series.isStale(series.value(i))) {
                continue;
            }
            out.add(new Element(series.labels(), series.value(i)));
        }
        return out;
    }

    /** A series' non-stale samples in {@code [t - range, t]}, for range functions. */
    record Points(SortedMap<String, String> labels, long[] times, double[] values) {
        int size() {
            return times.length;
        }
    }

    List<Points> range(Expr.RangeSelector r, long t) {
        long min = t - r.range().toMillis();
        List<Points> out = new ArrayList<>();
        for (Series series : history.select(r.selector().matchers())) {
            int from = series.indexAtOrAfter(min);
            int to = series.indexAtOrBefore(t);
            int n = 0;
            long[] ts = new long[Math.max(0, to - from + 1)];
            double[] vs = new double[ts.length];
            for (int i = from; i <= to; i++) {
                if (!Series.isStale(series.value(i))) {
                    ts[n] = series.time(i);
                    vs[n++] = series.value(i);
                }
            }
            if (n > 0) {
                out.add(new Points(series.labels(), java.util.Arrays.copyOf(ts, n), java.util.Arrays.copyOf(vs, n)));
            }
        }
        return out;
    }

    private Object binary(Expr.Binary b, long t) {
        Object l = eval(b.lhs(), t);
        Object r = eval(b.rhs(), t);
        BinaryOp op = b.op();
        if (l instanceof Double ld && r instanceof Double rd) {
            double v = arithmeticOrCompare(op, ld, rd);
            return op.isComparison() ? (v != 0 ? 1.0 : 0.0) : v;
        }
        if (l instanceof Double ld) {
            return scalarVector(op, asVector(r), ld, true, b.returnBool());
        }
        if (r instanceof Double rd) {
            return scalarVector(op, asVector(l), rd, false, b.returnBool());
        }
        List<Element> lv = asVector(l);
        List<Element> rv = asVector(r);
        return switch (op) {
            case AND, UNLESS -> {
                Set<Map<String, String>> rightSigs = new HashSet<>();
                rv.forEach(el -> rightSigs.add(signature(el.labels(), b.matching())));
                List<Element> out = new ArrayList<>();
                for (Element el : lv) {
                    if (rightSigs.contains(signature(el.labels(), b.matching())) == (op == BinaryOp.AND)) {
                        out.add(el);
                    }
                }
                yield out;
            }
            case OR -> {
                Set<Map<String, String>> leftSigs = new HashSet<>();
                lv.forEach(el -> leftSigs.add(signature(el.labels(), b.matching())));
                List<Element> out = new ArrayList<>(lv);
                for (Element el : rv) {
                    if (!leftSigs.contains(signature(el.labels(), b.matching()))) {
                        out.add(el);
                    }
                }
                yield out;
            }
            default -> vectorVector(b, lv, rv);
        };
    }

    private static List<Element> scalarVector(
            BinaryOp op, List<Element> vector, double scalar, boolean scalarLeft, boolean returnBool) {
        List<Element> out = new ArrayList<>();
        for (Element el : vector) {
            double lv = scalarLeft ? scalar : el.value();
            double rv = scalarLeft ? el.value() : scalar;
            double value = arithmeticOrCompare(op, lv, rv);
            boolean keep = true;
            if (op.isComparison()) {
                keep = value != 0;
                value = el.value();
            }
            if (returnBool) {
                value = keep ? 1 : 0;
                keep = true;
            }
            if (keep) {
                Element res = el.withValue(value);
                out.add(!op.isComparison() || returnBool ? res.withoutName() : res);
            }
        }
        return out;
    }

    private static List<Element> vectorVector(Expr.Binary b, List<Element> lhs, List<Element> rhs) {
        VectorMatching m = b.matching();
        boolean swap = m.card() == VectorMatching.Card.ONE_TO_MANY;
        List<Element> many = swap ? rhs : lhs;
        List<Element> one = swap ? lhs : rhs;
        Map<Map<String, String>, Element> rightSigs = new HashMap<>();
        for (Element el : one) {
            Map<String, String> sig = signature(el.labels(), m);
            if (rightSigs.putIfAbsent(sig, el) != null) {
                throw new EvalException("found duplicate series for the match group " + sig
                        + " on the " + (swap ? "left" : "right") + " hand-side of the operation;"
                        + " many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Map<Map<String, String>, Set<Map<String, String>>> matched = new HashMap<>();
        List<Element> out = new ArrayList<>();
        for (Element ls : many) {
            Map<String, String> sig = signature(ls.labels(), m);
            Element rs = rightSigs.get(sig);
            if (rs == null) {
                continue;
            }
            double vl = swap ? rs.value() : ls.value();
            double vr = swap ? ls.value() : rs.value();
            double value = arithmeticOrCompare(b.op(), vl, vr);
            boolean keep = true;
            if (b.op().isComparison()) {
                keep = value != 0;
                value = vl;
            }
            if (b.returnBool()) {
                value = keep ? 1 : 0;
            } else if (!keep) {
                continue;
            }
            TreeMap<String, String> metric = resultMetric(ls.labels(), rs.labels(), b.op(), m);
            if (b.returnBool()) {
                metric.remove("__name__");
            }
            Set<Map<String, String>> inserted = matched.get(sig);
            if (m.card() == VectorMatching.Card.ONE_TO_ONE) {
                if (inserted != null) {
                    throw new EvalException(
                            "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }
                matched.put(sig, Set.of());
            } else {
                if (inserted == null) {
                    inserted = new HashSet<>();
                    matched.put(sig, inserted);
                }
                if (!inserted.add(metric)) {
                    throw new EvalException("multiple matches for labels: grouping labels must ensure unique matches");
                }
            }
            out.add(new Element(metric, value));
        }
        return out;
    }

    private static TreeMap<String, String> resultMetric(
            Map<String, String> lhs, Map<String, String> rhs, BinaryOp op, VectorMatching m) {
        TreeMap<String, String> out = new TreeMap<>(lhs);
        if (!op.isComparison()) {
            out.remove("__name__");
        }
        if (m.card() == VectorMatching.Card.ONE_TO_ONE) {
            if (m.on()) {
                out.keySet().retainAll(m.labels());
            } else {
                m.labels().forEach(out::remove);
            }
        }
        for (String name : m.include()) {
            String v = rhs.get(name);
            if (v != null && !v.isEmpty()) {
                out.put(name, v);
            } else {
                out.remove(name);
            }
        }
        return out;
    }

    /** The labels two elements must share to match: the on(...) labels, or all but ignoring(...) and the name. */
    static Map<String, String> signature(Map<String, String> labels, VectorMatching m) {
        Map<String, String> sig = new LinkedHashMap<>();
        if (m.on()) {
            for (String name : m.labels()) {
                String v = labels.get(name);
                if (v != null) {
                    sig.put(name, v);
                }
            }
        } else {
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (!e.getKey().equals("__name__") && !m.labels().contains(e.getKey())) {
                    sig.put(e.getKey(), e.getValue());
                }
            }
        }
        return sig;
    }

    /** Arithmetic result, or for comparisons 1 (true) / 0 (false). */
    static double arithmeticOrCompare(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> l % r;
            case POW -> Math.pow(l, r);
            case EQL -> l == r ? 1 : 0;
            case NEQ -> l != r ? 1 : 0;
            case GTR -> l > r ? 1 : 0;
            case LSS -> l < r ? 1 : 0;
            case GTE -> l >= r ? 1 : 0;
            case LTE -> l <= r ? 1 : 0;
            default -> throw new EvalException("set operator " + op + " between scalars");
        };
    }
}
