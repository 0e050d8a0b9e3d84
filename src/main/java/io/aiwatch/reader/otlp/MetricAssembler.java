package io.aiwatch.reader.otlp;

import io.aiwatch.collect.Labels;
import io.aiwatch.reader.otlp.Rule.Kind;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers the points of one export cycle by OTel metric name (several Prometheus families can feed
 * one metric, for example GPU and memory temperature into {@code hw.temperature}) and builds the
 * {@link MetricData}. Not thread-safe: one per cycle.
 */
final class MetricAssembler {
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final SeriesStarts starts;
    private final Map<String, Stream> streams = new LinkedHashMap<>();

    private static final class Stream {
        final Rule rule;
        final String description;
        final List<PointData> points = new ArrayList<>();
        final Set<Attributes> seen = new HashSet<>();

        Stream(Rule rule, String description) {
            this.rule = rule;
            this.description = description;
        }
    }

    MetricAssembler(Resource resource, InstrumentationScopeInfo scope, SeriesStarts starts) {
        this.resource = resource;
        this.scope = scope;
        this.starts = starts;
    }

    /** Adds one gauge or sum point; {@code value} is in the family's unit and is scaled here. NaN is skipped. */
    void add(Rule rule, String help, Labels labels, long time, double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        Attributes attrs = rule.attributes(labels);
        Stream s = stream(rule, help, attrs);
        if (s == null) {
            return;
        }
        double scaled = value * rule.scale();
        double cumulative = rule.kind() == Kind.COUNTER ? scaled : Double.NaN;
        long start = starts.start(rule.name(), attrs, time, cumulative);
        s.points.add(
                rule.integer()
                        ? LongPointData.create(start, time, attrs, Math.round(scaled))
                        : DoublePointData.create(start, time, attrs, scaled, List.of()));
    }

    /**
     * Adds one explicit-bucket histogram point.
     *
     * @param bounds finite upper bounds, ascending
     * @param counts per-bucket (not cumulative) counts, one more than bounds (the +Inf bucket)
     */
    void addHistogram(
            Rule rule,
            String help,
            Labels labels,
            long time,
            double sum,
            long count,
            List<Double> bounds,
            List<Long> counts) {
        Attributes attrs = rule.attributes(labels);
        Stream s = stream(rule, help, attrs);
        if (s == null) {
            return;
        }
        long start = starts.start(rule.name(), attrs, time, count);
        s.points.add(HistogramPointData.create(
                start, time, attrs, sum * rule.scale(), false, 0, false, 0, scaled(bounds, rule.scale()), counts));
    }

    private static List<Double> scaled(List<Double> bounds, double scale) {
        if (scale == 1) {
            return bounds;
        }
        List<Double> out = new ArrayList<>(bounds.size());
        bounds.forEach(b -> out.add(b * scale));
        return out;
    }

    /** The stream for rule's metric, or null when the point would clash with one already added. */
    private Stream stream(Rule rule, String help, Attributes attrs) {
        Stream s = streams.computeIfAbsent(rule.name(), n -> new Stream(rule, SemanticMapping.description(rule, help)));
        boolean sameShape = s.rule.kind() == rule.kind()
                && s.rule.integer() == rule.integer()
                && s.rule.unit().equals(rule.unit());
        if (!sameShape || !s.seen.add(attrs)) {
            return null;
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    List<MetricData> build() {
        List<MetricData> out = new ArrayList<>(streams.size());
        for (Stream s : streams.values()) {
            if (s.points.isEmpty()) {
                continue;
            }
            Rule r = s.rule;
            MetricDataType type;
            Object data;
            switch (r.kind()) {
                case GAUGE -> {
                    type = r.integer() ? MetricDataType.LONG_GAUGE : MetricDataType.DOUBLE_GAUGE;
                    data = r.integer()
                            ? GaugeData.createLongGaugeData((List<LongPointData>) (List<?>) s.points)
                            : GaugeData.createDoubleGaugeData((List<DoublePointData>) (List<?>) s.points);
                }
                case COUNTER, UP_DOWN -> {
                    boolean monotonic = r.kind() == Kind.COUNTER;
                    type = r.integer() ? MetricDataType.LONG_SUM : MetricDataType.DOUBLE_SUM;
                    data = r.integer()
                            ? SumData.createLongSumData(
                                    monotonic, AggregationTemporality.CUMULATIVE, (List<LongPointData>)
                                            (List<?>) s.points)
                            : SumData.createDoubleSumData(
                                    monotonic, AggregationTemporality.CUMULATIVE, (List<DoublePointData>)
                                            (List<?>) s.points);
                }
                default -> {
                    type = MetricDataType.HISTOGRAM;
                    data = HistogramData.create(
                            AggregationTemporality.CUMULATIVE, (List<HistogramPointData>) (List<?>) s.points);
                }
            }
            out.add(new MappedMetric(
                    resource, scope, r.name(), s.description, r.unit(), type, (io.opentelemetry.sdk.metrics.data.Data<
                                    ?>)
                            data));
        }
        return out;
    }
}
