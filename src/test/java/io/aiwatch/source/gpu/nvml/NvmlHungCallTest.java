package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.source.gpu.DcgmField;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A call hung in the driver blocks only its own thread: nothing in the binding holds a lock across it. */
class NvmlHungCallTest {
    private static final int HANG_MILLIS = 1500;
    private FakeNvml fake;
    private NvmlBackend backend;
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() throws Exception {
        fake = FakeNvml.load();
        backend = FakeNvml.backend();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        backend.close();
    }

    @Test
    void otherReadsOfTheSameDeviceProceedWhileOneCallHangs() throws Exception {
        fake.fake_hang("nvmlDeviceGetPowerUsage", 0, HANG_MILLIS);
        long start = System.nanoTime();
        CompletableFuture<Double> hung = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return backend.reader(0).read(DcgmField.DCGM_FI_DEV_POWER_USAGE);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                pool);
        for (int i = 0; i < 200 && fake.fake_calls("nvmlDeviceGetPowerUsage") == 0; i++) {
            Thread.sleep(5);
        }
        assertThat(fake.fake_calls("nvmlDeviceGetPowerUsage"))
                .as("the hung call has started")
                .isEqualTo(1);

        var reader = backend.reader(0);
        assertThat(reader.read(DcgmField.DCGM_FI_DEV_GPU_TEMP)).isEqualTo(41);
        assertThat(reader.read(DcgmField.DCGM_FI_DEV_FB_USED)).isGreaterThan(0);
        assertThat(reader.read(DcgmField.DCGM_FI_DEV_MEMORY_TEMP)).isEqualTo(35);
        assertThat(reader.drainXidEvents()).isEmpty();
        assertThat(backend.reader(1).read(DcgmField.DCGM_FI_DEV_POWER_USAGE)).isEqualTo(68.951);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(hung).isNotDone();
        assertThat(elapsedMillis)
                .as("other reads did not wait for the hung call")
                .isLessThan(HANG_MILLIS);

        assertThat(hung.get(5, TimeUnit.SECONDS)).isEqualTo(68.951);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(HANG_MILLIS);
    }
}
