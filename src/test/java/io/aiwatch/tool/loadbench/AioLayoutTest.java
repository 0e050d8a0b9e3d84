package io.aiwatch.tool.loadbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offsets {@link LinuxAio} writes must be those of the kernel's {@code struct iocb} and
 * {@code struct io_event}: asks the C compiler (gcc, a build dependency) with {@code <linux/aio_abi.h>}.
 */
class AioLayoutTest {
    @TempDir
    Path dir;

    @Test
    void iocbAndIoEventOffsetsMatchTheKernelHeader() throws Exception {
        Path src = dir.resolve("layout.c");
        Files.writeString(src, """
                #include <stddef.h>
                #include <stdio.h>
                #include <linux/aio_abi.h>
                int main(void) {
                  printf("iocb %zu\\n", sizeof(struct iocb));
                  printf("data %zu\\n", offsetof(struct iocb, aio_data));
                  printf("opcode %zu\\n", offsetof(struct iocb, aio_lio_opcode));
                  printf("fildes %zu\\n", offsetof(struct iocb, aio_fildes));
                  printf("buf %zu\\n", offsetof(struct iocb, aio_buf));
                  printf("nbytes %zu\\n", offsetof(struct iocb, aio_nbytes));
                  printf("offset %zu\\n", offsetof(struct iocb, aio_offset));
                  printf("event %zu\\n", sizeof(struct io_event));
                  printf("edata %zu\\n", offsetof(struct io_event, data));
                  printf("eres %zu\\n", offsetof(struct io_event, res));
                  printf("pread %d\\n", IOCB_CMD_PREAD);
                  return 0;
                }
                """);
        Path exe = dir.resolve("layout");
        Process cc = new ProcessBuilder("gcc", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true)
                .start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor()).as("gcc: %s", ccOut).isZero();
        Process run = new ProcessBuilder(exe.toString()).start();
        Map<String, Integer> c = new HashMap<>();
        for (String line : new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] kv = line.split(" ");
            c.put(kv[0], Integer.parseInt(kv[1]));
        }
        assertThat(run.waitFor()).isZero();
        assertThat(c)
                .containsEntry("iocb", LinuxAio.IOCB_BYTES)
                .containsEntry("data", LinuxAio.IOCB_DATA)
                .containsEntry("opcode", LinuxAio.IOCB_OPCODE)
                .containsEntry("fildes", LinuxAio.IOCB_FILDES)
                .containsEntry("buf", LinuxAio.IOCB_BUF)
                .containsEntry("nbytes", LinuxAio.IOCB_NBYTES)
                .containsEntry("offset", LinuxAio.IOCB_OFFSET)
                .containsEntry("event", LinuxAio.EVENT_BYTES)
                .containsEntry("edata", LinuxAio.EVENT_DATA)
                .containsEntry("eres", LinuxAio.EVENT_RES)
                .containsEntry("pread", (int) LinuxAio.IOCB_CMD_PREAD);
    }
}
