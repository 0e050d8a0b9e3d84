package io.aiwatch.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.reader.exposition.OpenMetricsFormat;
import io.aiwatch.reader.exposition.TextFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void valueOnABoundCountsInThatBucketAndSamplesComeInStandardOrder() {
        Histogram h = new Histogram(0.1, 1.0);
        h.observe(0.1);
        h.observe(0.5);
        h.observe(1.0);
        h.observe(7.0);
        StringBuilder text = new StringBuilder();
        TextFormat.write(text, h.family("x_seconds", "help", Labels.of("model", "m")));
        assertThat(text.toString()).isEqualTo("""
                        # HELP x_seconds help
                        # TYPE x_seconds histogram
                        x_seconds_bucket{model="m",le="0.1"} 1
                        x_seconds_bucket{model="m",le="1.0"} 3
                        x_seconds_bucket{model="m",le="+Inf"} 4
                        x_seconds_sum{model="m"} 8.6
                        x_seconds_count{model="m"} 4
                        """);
        assertThat(h.count()).isEqualTo(4);
        assertThat(h.sum()).isEqualTo(8.6);
    }

    @Test
    void leSitsBetweenTheLabelsBeforeAndAfterIt() {
        Histogram h = new Histogram(1);
        h.observe(2);
        List<Sample> out = new ArrayList<>();
        h.addTo(out, "vllm:x", Labels.of("engine", "0"), Labels.of("model_name", "m"));
        assertThat(out)
                .extracting(s -> s.name() + s.labels())
                .containsExactly(
                        "vllm:x_bucket" + Labels.of("engine", "0", "le", "1.0", "model_name", "m"),
                        "vllm:x_bucket" + Labels.of("engine", "0", "le", "+Inf", "model_name", "m"),
                        "vllm:x_sum" + Labels.of("engine", "0", "model_name", "m"),
                        "vllm:x_count" + Labels.of("engine", "0", "model_name", "m"));
    }

    @Test
    void theLatestExemplarOfEachBucketIsWrittenOnlyInOpenMetrics() {
        Histogram h = new Histogram(0.5);
        Instant at = Instant.ofEpochMilli(1_700_000_000_250L);
        h.observe(0.2, Exemplar.ofTrace("aaaa", 0.2, at));
        h.observe(0.3, Exemplar.ofTrace("bbbb", 0.3, at));
        h.observe(0.4, null);
        h.observe(0.9);
        MetricFamily f = h.family("lat_seconds", "", Labels.EMPTY);
        assertThat(f.samples())
                .extracting(Sample::exemplar)
                .containsExactly(Exemplar.ofTrace("bbbb", 0.3, at), null, null, null);
        StringBuilder om = new StringBuilder();
        OpenMetricsFormat.write(om, f);
        assertThat(om.toString())
                .contains("lat_seconds_bucket{le=\"0.5\"} 3 # {trace_id=\"bbbb\"} 0.3 1700000000.250\n");
        StringBuilder text = new StringBuilder();
        TextFormat.write(text, f);
        assertThat(text.toString()).doesNotContain("trace_id");
    }

    @Test
    void boundsMustIncrease() {
        assertThatThrownBy(() -> new Histogram(1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Histogram(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentObserversLoseNothingAndCountIsAlwaysTheInfBucket() throws Exception {
        Histogram h = new Histogram(1, 2, 3);
        int threads = 4;
        int each = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    h.observe(i % 4);
                }
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        while (ts.stream().anyMatch(Thread::isAlive)) {
            List<Sample> s = new ArrayList<>();
            h.addTo(s, "x", Labels.EMPTY, Labels.EMPTY);
            assertThat(s.get(5).value()).isEqualTo(s.get(3).value()); // _count == +Inf bucket
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(h.count()).isEqualTo((long) threads * each);
        assertThat(h.sum()).isEqualTo(threads * (each / 4) * 6.0);
    }

    @Test
    void oneTwoFiveIsVllmsBucketBuilder() {
        assertThat(Histogram.oneTwoFive(100)).containsExactly(1, 2, 5, 10, 20, 50, 100);
        assertThat(Histogram.oneTwoFive(4096)).endsWith(1000, 2000);
    }
}
