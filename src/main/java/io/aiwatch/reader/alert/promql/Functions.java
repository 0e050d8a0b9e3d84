package io.aiwatch.reader.alert.promql;

import io.aiwatch.reader.alert.promql.Engine.Points;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The functions of the subset, following Prometheus 2.42's {@code promql/functions.go} arithmetic. */
public final class Functions {
    private Functions() {}

    static Object call(Engine engine, Expr.Call c, long t) {
        Function f = c.function();
        List<Expr> args = c.args();
        switch (f) {
            case TIME:
                return t / 1000.0;
            case VECTOR:
                return List.of(new Element(new TreeMap<>(), (Double) engine.eval(args.get(0), t)));
            case SCALAR: {
                List<Element> v = Engine.asVector(engine.eval(args.get(0), t));
                return v.size() == 1 ? v.get(0).value() : Double.NaN;
            }
            case ABSENT:
                return absent(args.get(0), Engine.asVector(engine.eval(args.get(0), t)));
            case ABS:
            case CLAMP_MIN:
            case CLAMP_MAX: {
                List<Element> v = Engine.asVector(engine.eval(args.get(0), t));
                double bound = f == Function.ABS ? 0 : (Double) engine.eval(args.get(1), t);
                List<Element> out = new ArrayList<>(v.size());
                for (Element el : v) {
                    double x = switch (f) {
                        case ABS -> Math.abs(el.value());
                        case CLAMP_MIN -> Math.max(el.value(), bound);
                        default -> Math.min(el.value(), bound);
                    };
                    out.add(el.withoutName().withValue(x));
                }
                return out;
            }
            case HISTOGRAM_QUANTILE:
                return histogramQuantile(
                        (Double) engine.eval(args.get(0), t), Engine.asVector(engine.eval(args.get(1), t)));
            default:
                break;
        }
        Expr.RangeSelector r = (Expr.RangeSelector) args.get(0);
        double duration = f == Function.PREDICT_LINEAR ? (Double) engine.eval(args.get(1), t) : 0;
        List<Element> out = new ArrayList<>();
        for (Points p : engine.range(r, t)) {
            Double v = overRange(f, p, r, t, duration);
            if (v != null) {
                Element el = new Element(p.labels(), v);
                out.add(f == Function.LAST_OVER_TIME ? el : el.withoutName());
            }
        }
        return out;
    }

    private static Double overRange(Function f, Points p, Expr.RangeSelector r, long t, double duration) {
        int n = p.size();
        double[] v = p.values();
        switch (f) {
            case RATE:
                return extrapolatedRate(p, r, t, true, true);
            case INCREASE:
                return extrapolatedRate(p, r, t, true, false);
            case DELTA:
                return extrapolatedRate(p, r, t, false, false);
            case IRATE: {
                if (n < 2) {
                    return null;
                }
                double last = v[n - 1];
                double prev = v[n - 2];
                double diff = last < prev ? last : last - prev;
                long dt = p.times()[n - 1] - p.times()[n - 2];
                return dt == 0 ? null : diff / (dt / 1000.0);
            }
            case AVG_OVER_TIME: {
                double mean = 0;
                double count = 0;
                for (double x : v) {
                    count++;
                    if (Double.isInfinite(mean)) {
                        if (Double.isInfinite(x) && (mean > 0) == (x > 0)) {
                            continue;
                        }
                        if (!Double.isInfinite(x) && !Double.isNaN(x)) {
                            continue;
                        }
                    }
                    mean += x / count - mean / count;
                }
                return mean;
            }
            case MIN_OVER_TIME:
            case MAX_OVER_TIME: {
                double m = v[0];
                for (double x : v) {
                    boolean better = f == Function.MAX_OVER_TIME ? x > m : x < m;
                    if (better || Double.isNaN(m)) {
                        m = x;
                    }
                }
                return m;
            }
            case SUM_OVER_TIME: {
                double sum = 0;
                double c = 0;
                for (double x : v) {
                    double[] k = kahanInc(x, sum, c);
                    sum = k[0];
                    c = k[1];
                }
                return Double.isInfinite(sum) ? sum : sum + c;
            }
            case COUNT_OVER_TIME:
                return (double) n;
            case LAST_OVER_TIME:
                return v[n - 1];
            case PREDICT_LINEAR: {
                if (n < 2) {
                    return null;
                }
                double[] si = linearRegression(p, t);
                return si[0] * duration + si[1];
            }
            default:
                throw new EvalException("function " + f.promqlName() + " over a range");
        }
    }

    /** rate/increase/delta with Prometheus' extrapolation towards the range boundaries. */
    static Double extrapolatedRate(Points p, Expr.RangeSelector r, long t, boolean isCounter, boolean isRate) {
        int n = p.size();
        if (n < 2) {
            return null;
        }
        long[] ts = p.times();
        double[] v = p.values();
        long rangeMillis = r.range().toMillis();
        long rangeStart = t - rangeMillis;
        double result = v[n - 1] - v[0];
        if (isCounter) {
            double last = 0;
            for (double x : v) {
                if (x < last) {
                    result += last;
                }
                last = x;
            }
        }
        double durationToStart = (ts[0] - rangeStart) / 1000.0;
        double durationToEnd = (t - ts[n - 1]) / 1000.0;
        double sampled = (ts[n - 1] - ts[0]) / 1000.0;
        double avgStep = sampled / (n - 1);
        if (isCounter && result > 0 && v[0] >= 0) {
            double toZero = sampled * (v[0] / result);
            if (toZero < durationToStart) {
                durationToStart = toZero;
            }
        }
        double threshold = avgStep * 1.1;
        double interval = sampled;
        interval += durationToStart < threshold ? durationToStart : avgStep / 2;
        interval += durationToEnd < threshold ? durationToEnd : avgStep / 2;
        double factor = interval / sampled;
        if (isRate) {
            factor /= rangeMillis / 1000.0;
        }
        return result * factor;
    }

    /** Least-squares slope and intercept at {@code interceptTime}, with Kahan summation. */
    static double[] linearRegression(Points p, long interceptTime) {
        double n = 0;
        double sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
        double initY = p.values()[0];
        boolean constY = true;
        for (int i = 0; i < p.size(); i++) {
            double y = p.values()[i];
            if (constY && i > 0 && y != initY) {
                constY = false;
            }
            n += 1;
            double x = (p.times()[i] - interceptTime) / 1e3;
            double[] k = kahanInc(x, sumX, cX);
            sumX = k[0];
            cX = k[1];
            k = kahanInc(y, sumY, cY);
            sumY = k[0];
            cY = k[1];
            k = kahanInc(x * y, sumXY, cXY);
            sumXY = k[0];
            cXY = k[1];
            k = kahanInc(x * x, sumX2, cX2);
            sumX2 = k[0];
            cX2 = k[1];
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        sumX += cX;
        sumY += cY;
        sumXY += cXY;
        sumX2 += cX2;
        double covXY = sumXY - sumX * sumY / n;
        double varX = sumX2 - sumX * sumX / n;
        double slope = covXY / varX;
        double intercept = sumY / n - slope * sumX / n;
        return new double[] {slope, intercept};
    }

    private static double[] kahanInc(double inc, double sum, double c) {
        double t = sum + inc;
        if (Math.abs(sum) >= Math.abs(inc)) {
            c += (sum - t) + inc;
        } else {
            c += (inc - t) + sum;
        }
        return new double[] {t, c};
    }

    private static List<Element> absent(Expr arg, List<Element> v) {
        if (!v.isEmpty()) {
            return List.of();
        }
        TreeMap<String, String> labels = new TreeMap<>();
        if (arg instanceof Expr.Selector s) {
            Map<String, Integer> seen = new HashMap<>();
            for (Expr.Matcher m : s.matchers()) {
                seen.merge(m.label(), 1, Integer::sum);
            }
            for (Expr.Matcher m : s.matchers()) {
                if (m.type() == Expr.MatchType.EQ && !m.label().equals("__name__") && seen.get(m.label()) == 1) {
                    labels.put(m.label(), m.value());
                }
            }
        }
        return List.of(new Element(labels, 1));
    }

    private record Bucket(double upperBound, double count) {}

    /** histogram_quantile over classic buckets, as Prometheus' {@code bucketQuantile}. */
    static List<Element> histogramQuantile(double q, List<Element> v) {
        Map<Map<String, String>, List<Bucket>> groups = new java.util.LinkedHashMap<>();
        for (Element el : v) {
            String le = el.labels().get("le");
            if (le == null) {
                continue;
            }
            double ub;
            try {
                ub = parseFloat(le);
            } catch (NumberFormatException e) {
                continue;
            }
            TreeMap<String, String> key = new TreeMap<>(el.labels());
            key.remove("le");
            key.remove("__name__");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new Bucket(ub, el.value()));
        }
        List<Element> out = new ArrayList<>();
        for (Map.Entry<Map<String, String>, List<Bucket>> g : groups.entrySet()) {
            out.add(new Element(new TreeMap<>(g.getKey()), bucketQuantile(q, g.getValue())));
        }
        return out;
    }

    static double bucketQuantile(double q, List<Bucket> in) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<Bucket> sorted = new ArrayList<>(in);
        sorted.sort((a, b) -> Double.compare(a.upperBound(), b.upperBound()));
        if (sorted.isEmpty() || sorted.get(sorted.size() - 1).upperBound() != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        List<Bucket> b = new ArrayList<>();
        for (Bucket x : sorted) {
            if (!b.isEmpty() && b.get(b.size() - 1).upperBound() == x.upperBound()) {
                Bucket last = b.remove(b.size() - 1);
                b.add(new Bucket(last.upperBound(), last.count() + x.count()));
            } else {
                b.add(x);
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < b.size(); i++) {
            double c = b.get(i).count();
            if (c > max) {
                max = c;
            } else if (c < max) {
                b.set(i, new Bucket(b.get(i).upperBound(), max));
            }
        }
        if (b.size() < 2) {
            return Double.NaN;
        }
        double observations = b.get(b.size() - 1).count();
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int idx = b.size() - 1;
        for (int i = 0; i < b.size() - 1; i++) {
            if (b.get(i).count() >= rank) {
                idx = i;
                break;
            }
        }
        if (idx == b.size() - 1) {
            return b.get(b.size() - 2).upperBound();
        }
        if (idx == 0 && b.get(0).upperBound() <= 0) {
            return b.get(0).upperBound();
        }
        double start = 0;
        double end = b.get(idx).upperBound();
        double count = b.get(idx).count();
        if (idx > 0) {
            start = b.get(idx - 1).upperBound();
            count -= b.get(idx - 1).count();
            rank -= b.get(idx - 1).count();
        }
        return start + (end - start) * (rank / count);
    }

    /** Go's ParseFloat for label values: also accepts {@code +Inf}, {@code -Inf}, {@code Inf}, {@code NaN} in any case. */
    public static double parseFloat(String s) {
        String l = s.toLowerCase(java.util.Locale.ROOT);
        return switch (l) {
            case "+inf", "inf", "+infinity", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> {
                if (l.endsWith("d") || l.endsWith("f")) {
                    throw new NumberFormatException(s);
                }
                yield Double.parseDouble(s);
            }
        };
    }
}
