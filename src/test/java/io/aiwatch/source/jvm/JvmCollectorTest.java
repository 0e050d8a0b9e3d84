package io.aiwatch.source.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.collect.MetricFamily;
import io.aiwatch.collect.MetricType;
import io.aiwatch.collect.Sample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JvmCollectorTest {

    private static Map<String, MetricFamily> byName(List<MetricFamily> families) {
        return families.stream().collect(Collectors.toMap(MetricFamily::name, f -> f));
    }

    @Test
    void publishesTheJvmAndProcessMetersUnderMicrometersPrometheusNames() throws Exception {
        try (JvmCollector c = new JvmCollector()) {
            assertThat(c.name()).isEqualTo("jvm");
            assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
            Map<String, MetricFamily> f = byName(c.collect().families());
            assertThat(f.keySet())
                    .contains(
                            "jvm_memory_used_bytes",
                            "jvm_threads_live_threads",
                            "jvm_classes_loaded_classes",
                            "jvm_classes_unloaded_classes_total",
                            "process_uptime_seconds",
                            "process_start_time_seconds")
                    // denied: promtool lints these names
                    .doesNotContain("process_cpu_time_ns_total", "system_cpu_count");
            MetricFamily heap = f.get("jvm_memory_used_bytes");
            assertThat(heap.type()).isEqualTo(MetricType.GAUGE);
            assertThat(heap.samples())
                    .anySatisfy(s -> assertThat(s.labels().get("area")).isEqualTo("heap"))
                    .allSatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(0));
            MetricFamily unloaded = f.get("jvm_classes_unloaded_classes_total");
            assertThat(unloaded.type()).isEqualTo(MetricType.COUNTER);
            assertThat(unloaded.samples()).extracting(Sample::name).containsOnly("jvm_classes_unloaded_classes_total");
        }
    }

    @Test
    void convertsCountersTimersAndHistogramsAsMicrometersOwnWriterNamesThem() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            Counter.builder("requests").tag("code", "200").register(r).increment(3);
            Timer t = Timer.builder("work").register(r);
            t.record(Duration.ofMillis(250));
            t.record(Duration.ofMillis(750));
            Timer h = Timer.builder("hist")
                    .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .register(r);
            h.record(Duration.ofMillis(50));
            h.record(Duration.ofMillis(500));

            Map<String, MetricFamily> f =
                    byName(MicrometerFamilies.of(r.getPrometheusRegistry().scrape()));
            assertThat(f.get("requests_total").samples()).singleElement().satisfies(s -> {
                assertThat(s.name()).isEqualTo("requests_total");
                assertThat(s.labels().get("code")).isEqualTo("200");
                assertThat(s.value()).isEqualTo(3);
            });
            MetricFamily work = f.get("work_seconds");
            assertThat(work.type()).isEqualTo(MetricType.SUMMARY);
            assertThat(work.samples())
                    .extracting(Sample::name)
                    .containsExactly("work_seconds_count", "work_seconds_sum");
            assertThat(work.samples()).extracting(Sample::value).containsExactly(2.0, 1.0);
            assertThat(f.get("work_seconds_max").samples())
                    .singleElement()
                    .satisfies(s -> assertThat(s.value()).isEqualTo(0.75));
            MetricFamily hist = f.get("hist_seconds");
            assertThat(hist.type()).isEqualTo(MetricType.HISTOGRAM);
            assertThat(hist.samples())
                    .extracting(s -> s.name() + s.labels().get("le") + "=" + s.value())
                    .containsExactly(
                            "hist_seconds_bucket0.1=1.0",
                            "hist_seconds_bucket1.0=2.0",
                            "hist_seconds_bucket+Inf=2.0",
                            "hist_seconds_countnull=2.0",
                            "hist_seconds_sumnull=0.55");
        } finally {
            r.close();
        }
    }
}
