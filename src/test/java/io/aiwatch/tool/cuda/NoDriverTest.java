package io.aiwatch.tool.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without an NVIDIA driver (CI, developers' machines) opening a context says so in words. */
class NoDriverTest {

    @Test
    void reportsAMissingDriverInsteadOfALinkError() {
        Assumptions.assumeFalse(
                Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/dev/nvidiactl")),
                "an NVIDIA device is present: the gpu-tagged tests cover this machine");
        CudaException e = catchThrowableOfType(CudaException.class, () -> CudaContext.open(0));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).containsAnyOf("No NVIDIA driver", "No CUDA GPU is visible");
        // remembered: the second attempt fails the same way, not with NoClassDefFoundError
        CudaException again = catchThrowableOfType(CudaException.class, () -> CudaDriver.deviceCount());
        assertThat(again).isNotNull();
        assertThat(again.getMessage()).isEqualTo(e.getMessage());
    }
}
