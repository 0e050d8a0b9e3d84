package io.aiwatch.reader.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiwatch.collect.CollectorState;
import io.aiwatch.collect.SnapshotStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code /health}: the process is alive (always 200 while it can answer).
 * {@code /ready}: 200 only while every collector is up (fresh snapshot, last run good);
 * otherwise 503, and the JSON names each collector that is stale or failed and why.
 * Unlike dcgm-exporter's {@code /health}, readiness reflects whether metrics are real.
 * {@code /ready?scope=serving}: 200 once every collector has finished its first run, good or
 * not: the daemon serves what it can and says what it cannot. Kubernetes probes use this one,
 * so that a node whose GPUs or driver are broken keeps its exporter scraped (and alerting)
 * instead of unready, and a DaemonSet rollout does not stall on it (docs/KUBERNETES.md).
 */
final class HealthHandlers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SnapshotStore store;

    HealthHandlers(SnapshotStore store) {
        this.store = store;
    }

    void health(Context ctx) {
        ctx.contentType("application/json").result("{\"status\":\"alive\"}");
    }

    void ready(Context ctx) {
        Instant now = store.now();
        boolean serving = "serving".equals(ctx.queryParam("scope"));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode collectors = body.putArray("collectors");
        boolean ready = true;
        for (CollectorState s : store.states()) {
            ObjectNode c = collectors.addObject();
            c.put("name", s.name());
            boolean up = s.isUp(now);
            c.put("up", up);
            Duration age = s.age(now);
            if (age != null) {
                c.put("age_seconds", age.toMillis() / 1000.0);
            }
            String problem = s.problem(now);
            if (problem != null) {
                c.put("problem", problem);
            }
            ready &= serving ? !s.enabled() || s.last() != null || s.runs() > 0 : up;
        }
        body.put("ready", ready);
        ctx.status(ready ? 200 : 503).contentType("application/json").result(body.toString());
    }
}
