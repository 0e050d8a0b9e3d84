package io.aiwatch.tool.loadbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsHeaderTest {
    @TempDir
    Path dir;

    /** Header + data as the reference writer lays them out: u64 LE length, JSON, tensors. */
    private Path file(String json, int dataBytes) throws IOException {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + j.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(j.length).put(j);
        Path f = dir.resolve("m.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void readsTensorsWithAbsoluteOffsetsSortedByPosition() throws IOException {
        String json = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]},"
                + "\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}";
        SafetensorsHeader h = SafetensorsHeader.read(file(json, 32));
        assertThat(h.headerBytes()).isEqualTo(json.length());
        assertThat(h.dataStart()).isEqualTo(8 + json.length());
        assertThat(h.tensors()).extracting(SafetensorsHeader.Tensor::name).containsExactly("a", "b");
        assertThat(h.tensors().get(1).begin()).isEqualTo(h.dataStart() + 8);
        assertThat(h.tensors().get(1).shape()).isEqualTo(List.of(2L, 3L));
        assertThat(h.metadata()).containsEntry("format", "pt");
        assertThat(h.dataBytes()).isEqualTo(32);
    }

    @Test
    void rejectsAHoleBetweenTensors() throws IOException {
        String json = "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[8,12]}}";
        Path f = file(json, 12);
        assertThatThrownBy(() -> SafetensorsHeader.read(f)).hasMessageContaining("tensor b starts at data offset 8");
    }

    @Test
    void rejectsOffsetsThatDisagreeWithShapeAndDtype() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,4]}}", 4);
        assertThatThrownBy(() -> SafetensorsHeader.read(f)).hasMessageContaining("48 bits but data_offsets span 4");
    }

    @Test
    void rejectsTensorsThatDoNotReachTheEndOfTheFile() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 10);
        assertThatThrownBy(() -> SafetensorsHeader.read(f)).hasMessageContaining("the file has");
    }

    @Test
    void rejectsAHeaderLengthBeyondTheFile() throws IOException {
        Path f = dir.resolve("junk");
        Files.write(f, new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertThatThrownBy(() -> SafetensorsHeader.read(f)).hasMessageContaining("not a safetensors file");
    }

    @Test
    void rejectsUnknownDtype() throws IOException {
        Path f = file("{\"a\":{\"dtype\":\"Q4_K\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4);
        assertThatThrownBy(() -> SafetensorsHeader.read(f)).hasMessageContaining("unknown dtype Q4_K");
    }

    @Test
    void syntheticModelHasTheExactSizeAnAlignedDataStartAndTheSeededContent() throws IOException {
        long size = 3 * (1 << 20) + 12_345;
        Path f = dir.resolve("syn.safetensors");
        SafetensorsHeader h = SyntheticModel.write(f, size, 42);
        assertThat(Files.size(f)).isEqualTo(size);
        assertThat(h.dataStart() % 8).isZero();
        assertThat(h.tensors()).hasSizeGreaterThan(3);
        assertThat(h.tensors().get(0).name()).isEqualTo("model.embed_tokens.weight");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        long off = h.dataStart() + 8 * 1000;
        assertThat(b.getLong((int) off)).isEqualTo(SyntheticModel.word(42, off));
        assertThat(SyntheticModel.word(42, off)).isNotEqualTo(SyntheticModel.word(43, off));
    }
}
