package io.aiwatch.tool.loadgen.schedule;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A precomputed, seeded open-loop arrival schedule: request {@code k} is due {@code dueNanos[k]}
 * after the run starts, whatever happened to earlier requests (no coordinated omission).
 *
 * <p>Gaps follow vllm bench serve: gamma(shape = burstiness, scale = 1/(rate * burstiness));
 * burstiness 1 is Poisson, infinite burstiness is constant spacing. As in vLLM the cumulative delays
 * are rescaled so the last request is due at exactly N/rate. An infinite rate puts every request
 * at t0 (closed loop when combined with a concurrency cap).
 *
 * @param dueNanos      due time of each scheduled request, nanoseconds after the run start, ascending
 * @param positions     position of each scheduled request in the global schedule (selects its prompt)
 * @param requestRate   requested rate in requests/s for the whole schedule (all workers), may be +Inf
 * @param rates         with a ramp-up, the rate each request was drawn at (vLLM's per-request rate),
 *                      else null
 */
public record ArrivalSchedule(long[] dueNanos, int[] positions, double requestRate, double[] rates) {

    public ArrivalSchedule {
        if (dueNanos.length != positions.length) {
            throw new IllegalArgumentException("dueNanos and positions differ in length");
        }
        if (rates != null && rates.length != dueNanos.length) {
            throw new IllegalArgumentException("rates and dueNanos differ in length");
        }
    }

    public ArrivalSchedule(long[] dueNanos, int[] positions, double requestRate) {
        this(dueNanos, positions, requestRate, null);
    }

    /** Whether requests wait for their due times (a finite rate or a ramp-up). */
    public boolean paced() {
        return rates != null || !Double.isInfinite(requestRate);
    }

    /**
     * vllm bench serve's ramp-up: request {@code i} of {@code n} is drawn at rate
     * {@code start + (end - start) * i/(n-1)} (linear) or {@code start * (end/start)^(i/(n-1))}
     * (exponential), with the gamma gaps of {@code burstiness}; the delays are not rescaled.
     */
    public static ArrivalSchedule rampUp(
            int n, boolean exponential, double startRps, double endRps, double burstiness, long seed) {
        long[] due = new long[n];
        int[] pos = new int[n];
        double[] rates = new double[n];
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            pos[i] = i;
            double progress = i / (double) Math.max(n - 1, 1);
            double rate = exponential
                    ? startRps * Math.pow(endRps / startRps, progress)
                    : startRps + (endRps - startRps) * progress;
            if (!(rate > 0)) {
                throw new IllegalArgumentException("Obtained non-positive request rate " + rate + ".");
            }
            rates[i] = rate;
            double gap =
                    Double.isInfinite(burstiness) ? 1.0 / rate : gamma(random, burstiness, 1.0 / (rate * burstiness));
            sum += gap;
            due[i] = Math.round(sum * 1e9);
        }
        return new ArrivalSchedule(due, pos, Double.POSITIVE_INFINITY, rates);
    }

    /** Builds the global schedule of {@code n} requests. */
    public static ArrivalSchedule of(int n, double rate, double burstiness, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("number of requests must be >= 0, got " + n);
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("request rate must be > 0 (or inf), got " + rate);
        }
        if (!(burstiness > 0)) {
            throw new IllegalArgumentException("burstiness must be > 0, got " + burstiness);
        }
        long[] due = new long[n];
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            pos[i] = i;
        }
        if (Double.isInfinite(rate) || n == 0) {
            return new ArrivalSchedule(due, pos, rate);
        }
        double[] cumulative = new double[n];
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double gap =
                    Double.isInfinite(burstiness) ? 1.0 / rate : gamma(random, burstiness, 1.0 / (rate * burstiness));
            sum += gap;
            cumulative[i] = sum;
        }
        double factor = sum > 0 ? (n / rate) / sum : 0;
        for (int i = 0; i < n; i++) {
            due[i] = Math.round(cumulative[i] * factor * 1e9);
        }
        return new ArrivalSchedule(due, pos, rate);
    }

    public int size() {
        return dueNanos.length;
    }

    /**
     * The share of worker {@code index} of {@code count}: every request whose global position is
     * congruent to index mod count, due at its global time. The shares partition the schedule, so n
     * workers started at the same instant deliver exactly the global schedule together.
     */
    public ArrivalSchedule forWorker(int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("worker index must be in [0, " + count + "), got " + index);
        }
        int n = 0;
        for (int p : positions) {
            if (p % count == index) {
                n++;
            }
        }
        long[] due = new long[n];
        int[] pos = new int[n];
        double[] r = rates == null ? null : new double[n];
        int k = 0;
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] % count == index) {
                due[k] = dueNanos[i];
                if (r != null) {
                    r[k] = rates[i];
                }
                pos[k++] = positions[i];
            }
        }
        return new ArrivalSchedule(due, pos, requestRate, r);
    }

    /** Gaps between consecutive due times in seconds (the first gap is measured from t0). */
    public double[] gapsSeconds() {
        double[] gaps = new double[dueNanos.length];
        long prev = 0;
        for (int i = 0; i < dueNanos.length; i++) {
            gaps[i] = (dueNanos[i] - prev) / 1e9;
            prev = dueNanos[i];
        }
        return gaps;
    }

    /**
     * Gamma(shape, scale) by Marsaglia and Tsang (2000); shapes below 1 use the boost
     * X = Y * U^(1/shape) with Y ~ Gamma(shape + 1).
     */
    static double gamma(SplittableRandom r, double shape, double scale) {
        if (shape < 1) {
            double u = r.nextDouble();
            return gamma(r, shape + 1, scale) * Math.pow(Math.max(u, Double.MIN_VALUE), 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        for (int guard = 0; guard < 1_000_000; guard++) {
            double x = gaussian(r);
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = r.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v * scale;
            }
        }
        return shape * scale;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = Math.max(r.nextDouble(), Double.MIN_VALUE);
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrivalSchedule s
                && Arrays.equals(dueNanos, s.dueNanos)
                && Arrays.equals(positions, s.positions)
                && Double.compare(requestRate, s.requestRate) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dueNanos) + Arrays.hashCode(positions);
    }

    @Override
    public String toString() {
        return "ArrivalSchedule[n=" + dueNanos.length + ", rate=" + requestRate + "]";
    }
}
