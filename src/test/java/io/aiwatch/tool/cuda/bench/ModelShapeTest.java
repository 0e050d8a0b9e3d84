package io.aiwatch.tool.cuda.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ModelShapeTest {

    @Test
    void presetsCountThePublishedParametersLessTheInputEmbedding() {
        // published totals: Llama 3.2 1B 1.236e9 (tied embedding = LM head), Llama 3.1 8B 8.030e9,
        // Qwen2.5 14B 14.770e9, Qwen2.5 32B 32.764e9 (untied: the input embedding is not read in decode;
        // Qwen's QKV biases and the norms are below 0.1 %)
        assertThat(ModelShape.B1.weightParams() / 1e9).isCloseTo(1.236, within(0.02));
        assertThat(ModelShape.B8.weightParams() / 1e9).isCloseTo(8.030 - 0.525, within(0.02));
        assertThat(ModelShape.B14.weightParams() / 1e9).isCloseTo(14.770 - 0.779, within(0.03));
        assertThat(ModelShape.B32.weightParams() / 1e9).isCloseTo(32.764 - 0.779, within(0.03));
    }

    @Test
    void decodeStepReadsWeightsOnceAndTheKvCachePerSequence() {
        ModelShape m = ModelShape.B8;
        assertThat(m.kvBytesPerToken()).isEqualTo(32L * 2 * 8 * 128 * 2);
        assertThat(m.bytesPerStep(1, 0)).isEqualTo(m.weightBytes());
        assertThat(m.bytesPerStep(4, 1000) - m.bytesPerStep(1, 1000)).isEqualTo(3.0 * 1000 * m.kvBytesPerToken());
        // batch 1: about one FLOP per byte; batch 256 at short context: far above the H100's ridge
        assertThat(m.flopsPerStep(1, 0) / m.bytesPerStep(1, 0)).isCloseTo(1.0, within(1e-9));
        assertThat(m.flopsPerStep(256, 16) / m.bytesPerStep(256, 16)).isGreaterThan(200);
    }

    @Test
    void namesPresetsCaseInsensitively() {
        assertThat(ModelShape.named("32b")).isEqualTo(ModelShape.B32);
        assertThatThrownBy(() -> ModelShape.named("3B")).hasMessageContaining("known: 1B, 8B, 14B, 32B");
    }
}
