package io.aiwatch.reader.otlp;

import static io.aiwatch.reader.otlp.OtlpFixtures.attrs;
import static io.aiwatch.reader.otlp.OtlpFixtures.metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.Sample;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exporter on the wire, for both transports: a real OTLP receiver decodes the protobuf with the
 * official classes, and names, units, temporality, attributes and values are checked against the
 * snapshots in the store.
 */
class OtlpWireTest {
    private static final double MIB = 1024.0 * 1024.0;

    private static OtlpReceiver receiver(String transport) throws Exception {
        return transport.equals("grpc") ? OtlpReceiver.grpc() : OtlpReceiver.http();
    }

    static OtlpExporter exporter(OtlpFixtures fx, OtlpReceiver rx, RetryPolicy retry) {
        OtlpConfig config = OtlpConfig.defaults()
                .withEnabled(true)
                .withEndpoint(rx.endpoint(), rx.protocol().text())
                .withHeaders(Map.of("authorization", "Bearer s3cret-token"));
        config = new OtlpConfig(
                true, config.endpoint(), config.protocol(), config.headers(), null, "5s", "gzip", Map.of());
        OtlpSettings settings = OtlpSettings.resolve(config, Map.of());
        var resource = OtlpResource.build("1.2.3", "node-a", Map.of(), Map.of());
        var producer = new StoreMetricProducer(fx.store, "1.2.3");
        return new OtlpExporter(producer, resource, OtlpExporter.sdkExporter(settings, retry), fx.clock);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "grpc"})
    void sendsResourceScopeAndHeadersOverTheRealTransport(String transport) throws Exception {
        OtlpFixtures fx = new OtlpFixtures();
        try (OtlpReceiver rx = receiver(transport);
                OtlpExporter exp = exporter(fx, rx, RetryPolicy.getDefault())) {
            exp.tick();
            ExportMetricsServiceRequest req = rx.await(1);
            assertThat(exp.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();

            var rm = req.getResourceMetrics(0);
            assertThat(attrs(rm.getResource().getAttributesList()))
                    .containsEntry("service.name", "aiwatch")
                    .containsEntry("service.version", "1.2.3")
                    .containsEntry("host.name", "node-a");
            assertThat(rm.getScopeMetrics(0).getScope().getName()).isEqualTo("io.aiwatch");
            assertThat(rm.getScopeMetrics(0).getSchemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.40.0");
            assertThat(rx.lastHeaders).containsEntry("authorization", "Bearer s3cret-token");
            if (transport.equals("grpc")) {
                // Only an HTTP/2 gRPC call reaches a grpc-java service method.
                assertThat(rx.lastHeaders)
                        .containsEntry(":method-path", "opentelemetry.proto.collector.metrics.v1.MetricsService/Export")
                        .containsEntry("grpc-encoding", "gzip");
                assertThat(rx.lastHeaders.get("content-type")).startsWith("application/grpc");
            } else {
                assertThat(rx.lastHeaders)
                        .containsEntry("content-type", "application/x-protobuf")
                        .containsEntry("content-encoding", "gzip")
                        // The JDK's HttpClient (not OkHttp) offers HTTP/2 on a plain-text connection this way.
                        .containsEntry("upgrade", "h2c");
            }
            assertThat(exp.successes()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "grpc"})
    void mapsGpuFamiliesToHardwareConventionsWithConvertedUnits(String transport) throws Exception {
        OtlpFixtures fx = new OtlpFixtures();
        try (OtlpReceiver rx = receiver(transport);
                OtlpExporter exp = exporter(fx, rx, RetryPolicy.getDefault())) {
            exp.tick();
            Map<String, Metric> m = metrics(rx.await(1));
            assertThat(exp.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();

            Metric usage = m.get("hw.gpu.memory.usage");
            assertThat(usage.getUnit()).isEqualTo("By");
            assertThat(usage.getSum().getIsMonotonic()).isFalse();
            assertThat(usage.getSum().getAggregationTemporality())
                    .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            MetricFamily used = fx.family("DCGM_FI_DEV_FB_USED");
            assertThat(usage.getSum().getDataPointsList()).hasSize(2);
            for (Sample s : used.samples()) {
                NumberDataPoint p = point(
                        usage.getSum().getDataPointsList(), "hw.id", s.labels().get("UUID"));
                assertThat(p.getAsInt()).isEqualTo(Math.round(s.value() * MIB));
                assertThat(attrs(p.getAttributesList()))
                        .containsEntry("hw.type", "gpu")
                        .containsEntry("hw.vendor", "NVIDIA")
                        .containsEntry("hw.model", "NVIDIA H100 80GB HBM3")
                        .containsEntry("hw.name", s.labels().get("device"))
                        .containsEntry("aiwatch.gpu.index", s.labels().get("gpu"))
                        .doesNotContainKey("Hostname")
                        .doesNotContainKey("UUID");
                double limitMib = s.value()
                        + value(fx.family("DCGM_FI_DEV_FB_FREE"), s)
                        + value(fx.family("DCGM_FI_DEV_FB_RESERVED"), s);
                NumberDataPoint limit = point(
                        m.get("hw.gpu.memory.limit").getSum().getDataPointsList(),
                        "hw.id",
                        s.labels().get("UUID"));
                assertThat(limit.getAsInt()).isEqualTo(Math.round(limitMib * MIB));
                NumberDataPoint util = point(
                        m.get("hw.gpu.memory.utilization").getGauge().getDataPointsList(),
                        "hw.id",
                        s.labels().get("UUID"));
                assertThat(util.getAsDouble()).isCloseTo(s.value() / limitMib, within(1e-9));
            }

            Metric gpuUtil = m.get("hw.gpu.utilization");
            assertThat(gpuUtil.getUnit()).isEqualTo("1");
            assertThat(gpuUtil.getGauge().getDataPointsList()).hasSize(6); // general, encoder, decoder x 2 GPUs
            for (Sample s : fx.family("DCGM_FI_DEV_GPU_UTIL").samples()) {
                NumberDataPoint p = gpuUtil.getGauge().getDataPointsList().stream()
                        .filter(d -> attrs(d.getAttributesList())
                                        .get("hw.id")
                                        .equals(s.labels().get("UUID"))
                                && attrs(d.getAttributesList())
                                        .get("hw.gpu.task")
                                        .equals("general"))
                        .findFirst()
                        .orElseThrow();
                assertThat(p.getAsDouble()).isCloseTo(s.value() / 100, within(1e-12));
            }

            Metric energy = m.get("hw.energy");
            assertThat(energy.getUnit()).isEqualTo("J");
            assertThat(energy.getSum().getIsMonotonic()).isTrue();
            assertThat(energy.getSum().getAggregationTemporality())
                    .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            for (Sample s : fx.family("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION").samples()) {
                NumberDataPoint p = point(
                        energy.getSum().getDataPointsList(), "hw.id", s.labels().get("UUID"));
                assertThat(p.getAsDouble()).isCloseTo(s.value() / 1000, within(1e-6));
                assertThat(p.getStartTimeUnixNano()).isPositive().isLessThanOrEqualTo(p.getTimeUnixNano());
                assertThat(attrs(p.getAttributesList())).containsEntry("hw.type", "gpu");
            }

            Metric power = m.get("hw.power");
            assertThat(power.getUnit()).isEqualTo("W");
            Sample watts = fx.family("DCGM_FI_DEV_POWER_USAGE").samples().get(1);
            assertThat(point(
                                    power.getGauge().getDataPointsList(),
                                    "hw.id",
                                    watts.labels().get("UUID"))
                            .getAsDouble())
                    .isEqualTo(watts.value());

            Metric temp = m.get("hw.temperature");
            assertThat(temp.getUnit()).isEqualTo("Cel");
            assertThat(temp.getGauge().getDataPointsList())
                    .extracting(p -> attrs(p.getAttributesList()).get("hw.sensor_location"))
                    .containsExactlyInAnyOrder("gpu", "gpu", "memory", "memory");
            assertThat(m.get("hw.temperature.limit").getGauge().getDataPointsList())
                    .extracting(p -> attrs(p.getAttributesList()).get("hw.limit_type"))
                    .contains("high.degraded", "high.critical");

            Metric status = m.get("hw.status");
            assertThat(status.getSum().getDataPointsList())
                    .hasSize(4)
                    .allSatisfy(p -> assertThat(p.getAsInt())
                            .isEqualTo(
                                    attrs(p.getAttributesList()).get("hw.state").equals("ok") ? 1 : 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "grpc"})
    void mapsStorageToSystemConventionsAndVllmToGenAi(String transport) throws Exception {
        OtlpFixtures fx = new OtlpFixtures();
        try (OtlpReceiver rx = receiver(transport);
                OtlpExporter exp = exporter(fx, rx, RetryPolicy.getDefault())) {
            exp.tick();
            Map<String, Metric> m = metrics(rx.await(1));
            assertThat(exp.awaitIdle(java.time.Duration.ofSeconds(10))).isTrue();

            Metric io = m.get("system.disk.io");
            assertThat(io.getUnit()).isEqualTo("By");
            assertThat(io.getSum().getIsMonotonic()).isTrue();
            assertThat(point(io.getSum().getDataPointsList(), "disk.io.direction", "read")
                            .getAsInt())
                    .isEqualTo(4_096_000);
            NumberDataPoint write = point(io.getSum().getDataPointsList(), "disk.io.direction", "write");
            assertThat(write.getAsInt()).isEqualTo(8_192_000);
            assertThat(attrs(write.getAttributesList())).containsEntry("system.device", "sda");
            assertThat(point(m.get("system.disk.operations").getSum().getDataPointsList(), "disk.io.direction", "read")
                            .getAsInt())
                    .isEqualTo(1000);
            assertThat(m.get("system.disk.io_time").getUnit()).isEqualTo("s");
            assertThat(m.get("system.disk.io_time").getSum().getDataPoints(0).getAsDouble())
                    .isEqualTo(12.5);

            List<NumberDataPoint> fs = m.get("system.filesystem.usage").getSum().getDataPointsList();
            assertThat(point(fs, "system.filesystem.state", "used").getAsInt()).isEqualTo(600_000_000);
            assertThat(point(fs, "system.filesystem.state", "free").getAsInt()).isEqualTo(350_000_000);
            assertThat(point(fs, "system.filesystem.state", "reserved").getAsInt())
                    .isEqualTo(50_000_000);
            assertThat(attrs(fs.get(0).getAttributesList()))
                    .containsEntry("system.filesystem.mountpoint", "/")
                    .containsEntry("system.filesystem.type", "ext4")
                    .containsEntry("system.device", "/dev/sda1");
            assertThat(m.get("system.filesystem.limit")
                            .getSum()
                            .getDataPoints(0)
                            .getAsInt())
                    .isEqualTo(1_000_000_000);
            assertThat(m.get("system.filesystem.utilization")
                            .getGauge()
                            .getDataPoints(0)
                            .getAsDouble())
                    .isCloseTo(600.0 / 950.0, within(1e-12));

            Metric ttft = m.get("gen_ai.server.time_to_first_token");
            assertThat(ttft.getUnit()).isEqualTo("s");
            assertThat(ttft.getHistogram().getAggregationTemporality())
                    .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            HistogramDataPoint h = ttft.getHistogram().getDataPoints(0);
            assertThat(h.getExplicitBoundsList()).containsExactly(0.01, 0.1, 1.0);
            assertThat(h.getBucketCountsList()).containsExactly(1L, 2L, 1L, 1L);
            assertThat(h.getCount()).isEqualTo(5);
            assertThat(h.getSum()).isEqualTo(2.75);
            assertThat(attrs(h.getAttributesList()))
                    .containsEntry("gen_ai.request.model", "meta-llama/Llama-3.1-8B-Instruct")
                    .containsEntry("gen_ai.provider.name", "vllm")
                    .containsEntry("aiwatch.inference.target", "llama")
                    .doesNotContainKey("le");

            List<NumberDataPoint> tokens =
                    m.get("aiwatch.inference.tokens").getSum().getDataPointsList();
            assertThat(m.get("aiwatch.inference.tokens").getUnit()).isEqualTo("{token}");
            assertThat(point(tokens, "gen_ai.token.type", "input").getAsInt()).isEqualTo(100);
            assertThat(point(tokens, "gen_ai.token.type", "output").getAsInt()).isEqualTo(40);

            Metric clientDuration = m.get("gen_ai.client.operation.duration");
            assertThat(clientDuration.getHistogram().getDataPointsList())
                    .hasSize(2)
                    .allSatisfy(p -> {
                        Map<String, Object> a = attrs(p.getAttributesList());
                        assertThat(a)
                                .containsEntry("gen_ai.request.model", "llama-8b")
                                .doesNotContainKey("le");
                        if (a.get("aiwatch.client.status").equals("429")) {
                            assertThat(a).containsEntry("error.type", "429");
                            assertThat(p.getBucketCountsList()).containsExactly(1L, 1L);
                        } else {
                            assertThat(a).doesNotContainKey("error.type");
                            assertThat(p.getExplicitBoundsList()).containsExactly(0.5);
                            assertThat(p.getBucketCountsList()).containsExactly(5L, 5L);
                            assertThat(p.getSum()).isCloseTo(6.0, within(1e-9));
                        }
                    });
            HistogramDataPoint usage =
                    m.get("gen_ai.client.token.usage").getHistogram().getDataPoints(0);
            assertThat(m.get("gen_ai.client.token.usage").getUnit()).isEqualTo("{token}");
            assertThat(attrs(usage.getAttributesList())).containsEntry("gen_ai.token.type", "input");
            assertThat(usage.getBucketCountsList()).containsExactly(4L, 6L);

            assertThat(m.keySet())
                    .noneMatch(n -> n.contains("window"))
                    .contains("aiwatch.collector.up", "aiwatch.collector.runs");
            assertThat(m.keySet())
                    .allMatch(n -> n.startsWith("hw.")
                            || n.startsWith("system.")
                            || n.startsWith("gen_ai.")
                            || n.startsWith("process.")
                            || n.startsWith("aiwatch."));
        }
    }

    private static double value(MetricFamily f, Sample like) {
        return f.samples().stream()
                .filter(s -> s.labels().equals(like.labels()))
                .findFirst()
                .orElseThrow()
                .value();
    }

    static NumberDataPoint point(List<NumberDataPoint> points, String key, Object value) {
        return points.stream()
                .filter(p -> value.equals(attrs(p.getAttributesList()).get(key)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no point with " + key + "=" + value + " in " + points));
    }
}
