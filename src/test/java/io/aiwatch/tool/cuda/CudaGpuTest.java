package io.aiwatch.tool.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.tool.cuda.bench.DecodeResult;
import io.aiwatch.tool.cuda.bench.DecodeWorkload;
import io.aiwatch.tool.cuda.bench.Measurement;
import io.aiwatch.tool.cuda.bench.MicroBench;
import io.aiwatch.tool.cuda.bench.ModelShape;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** On a real GPU (-Dgroups=gpu): every kernel's result against the host. */
@Tag("gpu")
class CudaGpuTest {
    static CudaContext ctx;

    @BeforeAll
    static void open() {
        ctx = CudaContext.open(0);
    }

    @AfterAll
    static void close() {
        ctx.close();
    }

    @Test
    void readsTheDeviceAndLoadsThePtx() {
        GpuInfo i = ctx.info();
        assertThat(i.name()).startsWith("NVIDIA");
        assertThat(i.computeMajor()).isGreaterThanOrEqualTo(8);
        assertThat(i.multiprocessors()).isPositive();
        assertThat(ctx.memoryInfo().freeBytes()).isPositive().isLessThanOrEqualTo(i.totalMemoryBytes());
        assertThat(ctx.kernels().ptxName()).contains(i.computeMajor() >= 9 ? "sm_90" : "sm_80");
        assertThat(ctx.kernels().hasWgmma()).isEqualTo(i.computeMajor() == 9 && i.computeMinor() == 0);
    }

    @Test
    void refusesAnAllocationLargerThanWhatIsFree() {
        long total = ctx.info().totalMemoryBytes();
        assertThatThrownBy(() -> ctx.allocate(total))
                .isInstanceOfSatisfying(
                        CudaException.class, e -> assertThat(e.isOutOfMemory()).isTrue())
                .hasMessageContaining("Not enough GPU memory");
    }

    @Test
    void uploaderOverlapsSlotsAndDeliversEveryByte() throws Exception {
        byte[] data = new byte[10_000_003];
        new Random(7).nextBytes(data);
        try (DeviceBuffer dst = ctx.allocate(data.length);
                Uploader up = ctx.uploader(1 << 20, 2)) {
            long n = up.transfer(Channels.newChannel(new ByteArrayInputStream(data)), dst, 0, data.length);
            assertThat(n).isEqualTo(data.length);
            assertThat(up.bytesSubmitted()).isEqualTo(data.length);
            ByteBuffer back = ByteBuffer.allocateDirect(data.length);
            dst.download(0, back);
            assertThat(back.mismatch(ByteBuffer.wrap(data))).isEqualTo(-1);
        }
    }

    @Test
    void pinnedAndPageableCopiesRoundTrip() {
        List<CopyBandwidth.Rate> rates = CopyBandwidth.measure(ctx, 16 << 20, 3);
        assertThat(rates).hasSize(4).allSatisfy(r -> {
            assertThat(r.checked()).isTrue();
            assertThat(r.bytesPerSecond()).isGreaterThan(1e8);
        });
    }

    @Test
    void copyFmaAndMatmulMatchTheHost() {
        MicroBench mb = new MicroBench(ctx, 1234);
        Measurement copy = mb.copy(64L << 20, 3);
        assertThat(copy.checkPassed()).as(copy.check()).isTrue();
        Measurement fma = mb.fma(4096, 3);
        assertThat(fma.checkPassed()).as(fma.check()).isTrue();
        List<Measurement> mm = mb.matmul(1024, 3);
        assertThat(mm)
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.checkPassed()).as(m.check()).isTrue());
        assertThat(mm.size()).isEqualTo(ctx.kernels().hasWgmma() ? 2 : 1);
    }

    @Test
    void splitKAndSkinnyProductsMatchTheHostForOddShapes() {
        Kernels k = ctx.kernels();
        int n = 512;
        int kk = 1024;
        for (int m : new int[] {1, 5, 40, 64, 100, 128}) {
            try (CudaStream s = ctx.createStream();
                    DeviceBuffer a = ctx.allocate(2L * m * kk);
                    DeviceBuffer b = ctx.allocate(2L * n * kk);
                    DeviceBuffer c = ctx.allocate(4L * m * n)) {
                k.fillBf16(a, 0, (long) m * kk, 11 + m, 1f, s);
                k.fillBf16(b, 0, (long) n * kk, 13 + m, 0.05f, s);
                c.zeroAsync(s);
                if (m % 128 == 0) {
                    k.gemmF32Add(a, 0, b, 0, c, 0, m, n, kk, 4, s);
                } else {
                    k.skinny(a, 0, b, 0, c, 0, m, n, kk, 2, s);
                }
                s.synchronize();
                for (int[] rc : new int[][] {{0, 0}, {m - 1, n - 1}, {m / 2, 257}}) {
                    double ref = HostMath.gemmElement(11 + m, 1f, 13 + m, 0.05f, kk, rc[0], rc[1]);
                    float got = HostMath.f32At(c.read(4L * ((long) rc[0] * n + rc[1]), 4), 0);
                    assertThat(Math.abs(got - ref))
                            .as("m=%d C[%d,%d] = %f, host %f", m, rc[0], rc[1], got, ref)
                            .isLessThan(1e-3 + 1e-3 * Math.abs(ref));
                }
            }
        }
    }

    @Test
    void decodeStepsPassTheirChecksAndGrowTheContext() {
        DecodeResult r = new DecodeWorkload(ctx, ModelShape.B1, 3, 300, 4, 1, true, 99).run();
        assertThat(r.status()).isEqualTo("ok");
        assertThat(r.checkPassed()).as(r.check()).isTrue();
        assertThat(r.contextEnd() - r.contextStart()).isEqualTo(4);
        assertThat(r.tokensPerSecond()).isPositive();
        DecodeResult tiled = new DecodeWorkload(ctx, ModelShape.B1, 128, 64, 2, 1, false, 98).run();
        assertThat(tiled.gemmPath()).isEqualTo("tiled");
        assertThat(tiled.checkPassed()).as(tiled.check()).isTrue();
    }
}
