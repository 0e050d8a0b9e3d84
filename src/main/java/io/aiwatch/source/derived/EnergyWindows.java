package io.aiwatch.source.derived;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The history behind energy per token: at each reading, every GPU's cumulative energy and every
 * server's GPUs and cumulative token and request counts; over a window, each server's share of
 * its GPUs' energy and its tokens and requests. Pure (time comes with each reading), so the
 * arithmetic is tested on exact numbers.
 */
final class EnergyWindows {
    /**
     * One server at one reading.
     *
     * @param model    the served model name(s)
     * @param gpus     UUIDs of the GPUs its processes use
     * @param tokens   cumulative generated tokens
     * @param requests cumulative finished requests
     */
    record Server(String model, List<String> gpus, double tokens, double requests) {
        Server {
            gpus = List.copyOf(gpus);
        }
    }

    /** A server over a window: joules attributed to it, tokens and requests counted in it. */
    record Share(double joules, double tokens, double requests) {}

    private record Reading(Instant at, Map<String, Double> energyJ, Map<String, Server> servers) {}

    private final Duration keep;
    private final Deque<Reading> readings = new ArrayDeque<>();

    /** @param keep the longest window asked for */
    EnergyWindows(Duration keep) {
        this.keep = keep;
    }

    /** Adds a reading and forgets those older than needed for the longest window. */
    void add(Instant at, Map<String, Double> energyJ, Map<String, Server> servers) {
        // servers keep their order (discovery's), so the exposition's order is stable
        readings.addLast(new Reading(at, Map.copyOf(energyJ), new LinkedHashMap<>(servers)));
        // keep the newest reading at or before now - keep, as the start of the longest window
        while (readings.size() > 2) {
            Iterator<Reading> it = readings.iterator();
            it.next();
            if (!it.next().at().isAfter(at.minus(keep))) {
                readings.removeFirst();
            } else {
                break;
            }
        }
    }

    /**
     * Each server's share over {@code window}: from the newest reading at or before
     * now − window to the newest reading. Servers not in both readings, or whose counters went
     * back (a restart), are left out; so is everything while the history is shorter than the window.
     */
    Map<String, Share> over(Duration window) {
        Map<String, Share> out = new LinkedHashMap<>();
        if (readings.size() < 2) {
            return out;
        }
        Reading last = readings.peekLast();
        Reading first = null;
        for (Reading r : readings) {
            if (r.at().isAfter(last.at().minus(window))) {
                break;
            }
            first = r;
        }
        if (first == null || first == last) {
            return out;
        }
        Map<String, double[]> deltas = new LinkedHashMap<>();
        Map<String, Double> tokensOnGpu = new HashMap<>();
        Map<String, Integer> serversOnGpu = new HashMap<>();
        for (var e : last.servers().entrySet()) {
            Server then = first.servers().get(e.getKey());
            Server now = e.getValue();
            if (then == null || now.tokens() < then.tokens() || now.requests() < then.requests()) {
                continue;
            }
            double dt = now.tokens() - then.tokens();
            deltas.put(e.getKey(), new double[] {dt, now.requests() - then.requests()});
            for (String g : now.gpus()) {
                tokensOnGpu.merge(g, dt, Double::sum);
                serversOnGpu.merge(g, 1, Integer::sum);
            }
        }
        for (var e : deltas.entrySet()) {
            Server now = last.servers().get(e.getKey());
            double joules = 0;
            boolean complete = !now.gpus().isEmpty();
            for (String g : now.gpus()) {
                Double a = first.energyJ().get(g);
                Double b = last.energyJ().get(g);
                if (a == null || b == null || b < a) {
                    complete = false;
                    break;
                }
                double all = tokensOnGpu.get(g);
                double share = all > 0 ? e.getValue()[0] / all : 1.0 / serversOnGpu.get(g);
                joules += (b - a) * share;
            }
            if (complete) {
                out.put(e.getKey(), new Share(joules, e.getValue()[0], e.getValue()[1]));
            }
        }
        return out;
    }
}
