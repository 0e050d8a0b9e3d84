package io.aiwatch.tool.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostMathTest {

    @Test
    void roundsToBf16NearestEven() {
        assertThat(HostMath.toBf16(1.0f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to the even mantissa (1.0)
        assertThat(HostMath.toBf16(1.00390625f)).isEqualTo((short) 0x3F80);
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up
        assertThat(HostMath.toBf16(1.01171875f)).isEqualTo((short) 0x3F82);
        assertThat(HostMath.toBf16(-2.0f)).isEqualTo((short) 0xC000);
        assertThat(HostMath.bf16ToFloat((short) 0x3F82)).isEqualTo(1.015625f);
        assertThat(Float.isNaN(HostMath.bf16ToFloat(HostMath.toBf16(Float.NaN))))
                .isTrue();
    }

    @Test
    void fillIsDeterministicUniformInScaledRange() {
        double sum = 0;
        double min = 1;
        double max = -1;
        for (long i = 0; i < 100_000; i++) {
            float v = HostMath.fillValue(42, i, 1f);
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            assertThat(v).isEqualTo(HostMath.fillValue(42, i, 1f));
        }
        assertThat(min).isGreaterThanOrEqualTo(-1).isLessThan(-0.999);
        assertThat(max).isLessThan(1).isGreaterThan(0.999);
        assertThat(sum / 100_000).isBetween(-0.01, 0.01);
        assertThat(HostMath.fillValue(43, 0, 1f)).isNotEqualTo(HostMath.fillValue(42, 0, 1f));
        assertThat(HostMath.fillValue(42, 7, 0.5f)).isEqualTo(HostMath.fillValue(42, 7, 1f) * 0.5f);
    }

    @Test
    void fmaThreadStartsFromItsIndexAndConvergesToTheFixedPoint() {
        // zero iterations: the sum of the chains' starting values ((t * 8 + j) & 1023) / 1024
        assertThat(HostMath.fmaThread(1, 0, 0.5f, 0.25f)).isEqualTo((8 + 9 + 10 + 11 + 12 + 13 + 14 + 15) / 1024f);
        // x = 0.5 x + 0.25 converges to 0.5 in every chain
        assertThat(HostMath.fmaThread(3, 200, 0.5f, 0.25f)).isEqualTo(4.0f);
    }

    @Test
    void readsLittleEndianElements() {
        byte[] b = {(byte) 0x80, 0x3F, 0, 0, (byte) 0x80, 0x3F};
        assertThat(HostMath.bf16At(b, 0)).isEqualTo(1.0f);
        assertThat(HostMath.f32At(b, 0)).isEqualTo(Float.intBitsToFloat(0x00003F80));
        assertThat(HostMath.f32At(new byte[] {0, 0, (byte) 0x80, 0x3F}, 0)).isEqualTo(1.0f);
    }
}
