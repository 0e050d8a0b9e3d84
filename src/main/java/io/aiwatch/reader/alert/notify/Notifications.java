package io.aiwatch.reader.alert.notify;

import io.aiwatch.reader.alert.rules.AlertState;
import io.aiwatch.reader.alert.rules.AlertState.State;
import io.aiwatch.reader.alert.rules.Rule;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which alerts to send after an evaluation, with Prometheus' semantics: pending alerts are never
 * sent; an alert resolved since its last send is sent at once with {@code endsAt = resolvedAt};
 * otherwise an alert is re-sent once {@code lastSentAt + resendDelay} is strictly before now,
 * a firing one with {@code endsAt = now + 4 × max(evaluation interval, resendDelay)}.
 * Resolved alerts keep being re-sent while the evaluator retains them (15 minutes).
 */
public final class Notifications {
    private final Duration resendDelay;
    private final Map<String, String> externalLabels;
    private final String externalUrl;

    /** @param externalUrl base URL for generatorURL, or null to leave it out */
    public Notifications(Duration resendDelay, Map<String, String> externalLabels, String externalUrl) {
        this.resendDelay = resendDelay;
        this.externalLabels = Map.copyOf(externalLabels);
        this.externalUrl = externalUrl;
    }

    /** The alerts to send and the states with {@code lastSentAt}/{@code validUntil} updated. */
    public record Due(Map<Integer, Map<SortedMap<String, String>, AlertState>> states, List<PostableAlert> alerts) {}

    public Due due(Rule.Group group, Map<Integer, Map<SortedMap<String, String>, AlertState>> states, Instant now) {
        Duration delta = group.interval().compareTo(resendDelay) > 0 ? group.interval() : resendDelay;
        Map<Integer, Map<SortedMap<String, String>, AlertState>> next = new LinkedHashMap<>();
        List<PostableAlert> out = new ArrayList<>();
        for (Map.Entry<Integer, Map<SortedMap<String, String>, AlertState>> rule : states.entrySet()) {
            Map<SortedMap<String, String>, AlertState> alerts = new LinkedHashMap<>();
            for (Map.Entry<SortedMap<String, String>, AlertState> e :
                    rule.getValue().entrySet()) {
                AlertState a = e.getValue();
                if (needsSending(a, now)) {
                    Instant validUntil = now.plus(delta.multipliedBy(4));
                    a = a.sent(now, validUntil);
                    out.add(postable(group.rules().get(rule.getKey()), a));
                }
                alerts.put(e.getKey(), a);
            }
            next.put(rule.getKey(), alerts);
        }
        return new Due(next, out);
    }

    boolean needsSending(AlertState a, Instant now) {
        if (a.state() == State.PENDING) {
            return false;
        }
        if (a.resolvedAt() != null && (a.lastSentAt() == null || a.resolvedAt().isAfter(a.lastSentAt()))) {
            return true;
        }
        return a.lastSentAt() == null || a.lastSentAt().plus(resendDelay).isBefore(now);
    }

    private PostableAlert postable(Rule rule, AlertState a) {
        TreeMap<String, String> labels = new TreeMap<>();
        a.labels().forEach((k, v) -> {
            if (!v.isEmpty()) {
                labels.put(k, v);
            }
        });
        externalLabels.forEach(labels::putIfAbsent);
        Map<String, String> annotations = new TreeMap<>();
        a.annotations().forEach((k, v) -> {
            if (!v.isEmpty()) {
                annotations.put(k, v);
            }
        });
        Instant ends = a.state() == State.INACTIVE && a.resolvedAt() != null ? a.resolvedAt() : a.validUntil();
        Instant starts = a.firedAt() != null ? a.firedAt() : a.activeAt();
        String url = externalUrl == null
                ? null
                : externalUrl.replaceAll("/+$", "") + "/graph?g0.expr="
                        + URLEncoder.encode(rule.exprText().strip(), StandardCharsets.UTF_8) + "&g0.tab=1";
        return new PostableAlert(labels, annotations, starts, ends, url);
    }
}
