package io.aiwatch.tool.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KernelsValidationTest {

    @Test
    void tiledGemmRejectsShapesItsTilesDoNotCover() {
        Kernels.validateGemm(256, 512, 4096, 4);
        assertThatThrownBy(() -> Kernels.validateGemm(100, 512, 4096, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("M % 128");
        assertThatThrownBy(() -> Kernels.validateGemm(128, 300, 4096, 1)).hasMessageContaining("N % 256");
        assertThatThrownBy(() -> Kernels.validateGemm(128, 256, 4096, 3)).hasMessageContaining("(K / splits) % 32");
        assertThatThrownBy(() -> Kernels.validateGemm(0, 256, 4096, 1)).hasMessageContaining("must be > 0");
    }

    @Test
    void skinnyGemmAcceptsAnyRowCountButNeedsWholeColumnBlocks() {
        Kernels.validateSkinny(3, 3072, 2048, 16);
        assertThatThrownBy(() -> Kernels.validateSkinny(3, 3000, 2048, 1)).hasMessageContaining("N % 128");
        assertThatThrownBy(() -> Kernels.validateSkinny(3, 3072, 2048, 32)).hasMessageContaining("(K / splits) % 128");
    }

    @Test
    void picksPtxByComputeCapabilityAndRefusesPreAmpere() {
        assertThat(Kernels.ptxResourceFor(9, 0)).isEqualTo("aiwatch_kernels.sm_90a.ptx");
        assertThat(Kernels.ptxResourceFor(10, 0)).isEqualTo("aiwatch_kernels.sm_90.ptx");
        assertThat(Kernels.ptxResourceFor(8, 9)).isEqualTo("aiwatch_kernels.sm_80.ptx");
        assertThatThrownBy(() -> Kernels.ptxResourceFor(7, 5))
                .isInstanceOf(CudaException.class)
                .hasMessageContaining("compute capability 7.5 is not supported");
        assertThat(Kernels.class.getResource("aiwatch_kernels.sm_80.ptx")).isNotNull();
        assertThat(Kernels.class.getResource("aiwatch_kernels.sm_90.ptx")).isNotNull();
        assertThat(Kernels.class.getResource("aiwatch_kernels.sm_90a.ptx")).isNotNull();
    }

    @Test
    void attentionKernelsExistOnlyForTheHeadShapesCompiled() {
        assertThat(Kernels.attentionKernel(128, 5)).isEqualTo("attn_partial_hd128_g5");
        assertThat(Kernels.attentionKernel(64, 4)).isEqualTo("attn_partial_hd64_g4");
        assertThatThrownBy(() -> Kernels.attentionKernel(96, 4)).hasMessageContaining("head size 96");
    }
}
