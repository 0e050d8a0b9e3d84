package io.aiwatch.reader.alert;

import io.aiwatch.collect.Labels;
import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.SnapshotStore;
import io.aiwatch.config.ConfigException;
import io.aiwatch.reader.alert.notify.AlertmanagerSender;
import io.aiwatch.reader.alert.notify.Notifications;
import io.aiwatch.reader.alert.promql.SampleHistory;
import io.aiwatch.reader.alert.rules.AlertEvaluator;
import io.aiwatch.reader.alert.rules.AlertState;
import io.aiwatch.reader.alert.rules.RetentionPlan;
import io.aiwatch.reader.alert.rules.Rule;
import io.aiwatch.reader.alert.rules.RuleLoader;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The daemon's alerting: on its own thread, copies new snapshots from the store into the
 * {@link SampleHistory}, evaluates each rule group when its interval has passed, and hands due
 * notifications to one {@link AlertmanagerSender} per Alertmanager. Never calls a collector.
 * {@link #tick(Instant)} does one round and is what tests drive with a manual clock.
 */
public final class AlertingService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AlertingService.class.getName());

    private final List<Rule.Group> groups;
    private final SnapshotStore store;
    private final Clock clock;
    private final SampleHistory history;
    private final AlertEvaluator evaluator;
    private final Notifications notifications;
    private final List<AlertmanagerSender> senders = new ArrayList<>();
    private final List<Map<Integer, Map<SortedMap<String, String>, AlertState>>> states = new ArrayList<>();
    private final Instant[] nextDue;
    private final AtomicLong evaluations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long[] stateCounts = new long[3];
    private volatile double lastDurationSeconds;
    private ScheduledExecutorService scheduler;

    /** Loads the rule files (refusing any rule outside the subset with file:line) and builds the senders; nothing runs yet. */
    public static AlertingService create(
            AlertingConfig config, SnapshotStore store, Clock clock, AlertmanagerSender.Settings delivery)
            throws ConfigException {
        List<Rule.Group> groups = RuleLoader.load(config.ruleFiles(), config.evaluationInterval());
        return new AlertingService(config, groups, store, clock, delivery);
    }

    AlertingService(
            AlertingConfig config,
            List<Rule.Group> groups,
            SnapshotStore store,
            Clock clock,
            AlertmanagerSender.Settings delivery) {
        this.groups = List.copyOf(groups);
        this.store = store;
        this.clock = clock;
        SampleHistory.Retention retention = RetentionPlan.of(groups, config.lookbackDelta());
        int samples = (int) Math.min(2_000_000, retention.longest().toSeconds() * 2 + 64);
        this.history = new SampleHistory(retention, config.maxSeries(), samples);
        history.targetLabels(config.targetLabels());
        this.evaluator = new AlertEvaluator(config.lookbackDelta(), config.externalLabels());
        this.notifications = new Notifications(config.resendDelay(), config.externalLabels(), config.externalUrl());
        for (var url : config.alertmanagers()) {
            senders.add(new AlertmanagerSender(
                    url,
                    new AlertmanagerSender.Settings(
                            config.queueCapacity(),
                            delivery.batchSize(),
                            delivery.timeout(),
                            delivery.initialBackoff(),
                            delivery.maxBackoff())));
        }
        this.nextDue = new Instant[groups.size()];
        groups.forEach(g -> states.add(new HashMap<>()));
    }

    /** Starts evaluating on a ticker at the shortest group interval. */
    public void start() {
        if (groups.isEmpty()) {
            return;
        }
        long tickMs =
                groups.stream().mapToLong(g -> g.interval().toMillis()).min().orElse(1000);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alert-evaluator");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleAtFixedRate(
                () -> {
                    try {
                        tick(clock.instant());
                    } catch (Throwable t) {
                        LOG.warning("alert evaluation round failed: " + t);
                    }
                },
                tickMs,
                tickMs,
                TimeUnit.MILLISECONDS);
        LOG.info("alerting: " + groups.size() + " rule group(s), " + senders.size() + " Alertmanager(s)");
    }

    public List<Rule.Group> groups() {
        return groups;
    }

    public List<AlertmanagerSender> senders() {
        return senders;
    }

    /** One round at {@code now}: ingest, evaluate the groups that are due, queue notifications. */
    public synchronized void tick(Instant now) {
        long start = System.nanoTime();
        history.ingest(store, now);
        for (int i = 0; i < groups.size(); i++) {
            Rule.Group g = groups.get(i);
            if (nextDue[i] != null && now.plus(g.interval().dividedBy(10)).isBefore(nextDue[i])) {
                continue;
            }
            nextDue[i] = (nextDue[i] == null ? now : nextDue[i]).plus(g.interval());
            if (nextDue[i].isBefore(now)) {
                nextDue[i] = now.plus(g.interval());
            }
            AlertEvaluator.Result r = evaluator.evaluate(g, states.get(i), history, now);
            evaluations.incrementAndGet();
            if (!r.errors().isEmpty()) {
                failures.addAndGet(r.errors().size());
                r.errors().forEach(e -> LOG.warning("rule evaluation failed: " + e));
            }
            Notifications.Due due = notifications.due(g, r.alerts(), now);
            states.set(i, due.states());
            for (AlertmanagerSender s : senders) {
                s.enqueue(due.alerts());
            }
        }
        long[] counts = new long[3];
        for (Map<Integer, Map<SortedMap<String, String>, AlertState>> group : states) {
            group.values().forEach(m -> m.values().forEach(a -> counts[a.state().ordinal()]++));
        }
        stateCounts = counts;
        lastDurationSeconds = (System.nanoTime() - start) / 1e9;
    }

    /** Current alert states of every rule, for tests and the status page. */
    public synchronized List<AlertState> alerts() {
        List<AlertState> out = new ArrayList<>();
        states.forEach(g -> g.values().forEach(m -> out.addAll(m.values())));
        return out;
    }

    /** Self-metrics: alert counts by state, evaluation counters, history size, and delivery per Alertmanager. */
    public List<MetricFamily> families() {
        List<MetricFamily> out = new ArrayList<>();
        long[] counts = stateCounts;
        out.add(MetricFamily.builder(
                        "aiwatch_alerts", MetricType.GAUGE, "Alerts by state (firing, pending) across all rules.")
                .add(Labels.of("alertstate", "firing"), counts[AlertState.State.FIRING.ordinal()])
                .add(Labels.of("alertstate", "pending"), counts[AlertState.State.PENDING.ordinal()])
                .build());
        out.add(gauge(
                "aiwatch_alert_rule_group_evaluations_total",
                MetricType.COUNTER,
                "Rule group evaluations.",
                evaluations.get()));
        out.add(gauge(
                "aiwatch_alert_rule_evaluation_failures_total",
                MetricType.COUNTER,
                "Rule evaluations that failed (for example many-to-many matching); the rule keeps its previous alerts.",
                failures.get()));
        out.add(gauge(
                "aiwatch_alert_evaluation_duration_seconds",
                MetricType.GAUGE,
                "Duration of the last evaluation round.",
                lastDurationSeconds));
        out.add(gauge(
                "aiwatch_alert_history_series",
                MetricType.GAUGE,
                "Series kept for rule evaluation.",
                history.seriesCount()));
        out.add(gauge(
                "aiwatch_alert_history_dropped_series_total",
                MetricType.COUNTER,
                "Samples of new series refused because alerting.max_series series were already kept.",
                history.droppedSeries()));
        MetricFamily.Builder sent =
                MetricFamily.builder("aiwatch_alertmanager_sent_total", MetricType.COUNTER, "Alerts delivered (2xx).");
        MetricFamily.Builder errors = MetricFamily.builder(
                "aiwatch_alertmanager_errors_total", MetricType.COUNTER, "Alerts in failed POSTs (each retry counts).");
        MetricFamily.Builder dropped = MetricFamily.builder(
                "aiwatch_alertmanager_dropped_total",
                MetricType.COUNTER,
                "Alerts dropped: queue full (oldest first) or rejected as invalid (4xx).");
        MetricFamily.Builder length = MetricFamily.builder(
                "aiwatch_alertmanager_queue_length", MetricType.GAUGE, "Alerts waiting to be delivered.");
        MetricFamily.Builder capacity =
                MetricFamily.builder("aiwatch_alertmanager_queue_capacity", MetricType.GAUGE, "Queue capacity.");
        for (AlertmanagerSender s : senders) {
            Labels l = Labels.of("alertmanager", s.name());
            sent.add(l, s.sent());
            errors.add(l, s.errors());
            dropped.add(l, s.dropped());
            length.add(l, s.queueLength());
            capacity.add(l, s.capacity());
        }
        if (!senders.isEmpty()) {
            out.addAll(List.of(sent.build(), errors.build(), dropped.build(), length.build(), capacity.build()));
        }
        return out;
    }

    private static MetricFamily gauge(String name, MetricType type, String help, double v) {
        return MetricFamily.builder(name, type, help).add(Labels.EMPTY, v).build();
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        senders.forEach(AlertmanagerSender::close);
    }
}
