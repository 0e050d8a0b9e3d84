package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every JNA struct has the size and field offsets the C compiler gives the nvml.h declaration. */
class NvmlLayoutTest {
    private static FakeNvml fake;

    private static final Map<Class<? extends Structure>, String> C_NAMES = Map.ofEntries(
            Map.entry(NvmlStructs.PciInfo.class, "nvmlPciInfo_t"),
            Map.entry(NvmlStructs.Utilization.class, "nvmlUtilization_t"),
            Map.entry(NvmlStructs.Memory.class, "nvmlMemory_t"),
            Map.entry(NvmlStructs.MemoryV2.class, "nvmlMemory_v2_t"),
            Map.entry(NvmlStructs.ProcessInfo.class, "nvmlProcessInfo_t"),
            Map.entry(NvmlStructs.ViolationTime.class, "nvmlViolationTime_t"),
            Map.entry(NvmlStructs.FieldValue.class, "nvmlFieldValue_t"),
            Map.entry(NvmlStructs.EventData.class, "nvmlEventData_t"),
            Map.entry(NvmlStructs.GpmSupport.class, "nvmlGpmSupport_t"),
            Map.entry(NvmlStructs.GpmMetric.class, "nvmlGpmMetric_t"),
            Map.entry(NvmlStructs.GpmMetricsGet.class, "nvmlGpmMetricsGet_t"),
            Map.entry(NvmlStructs.GpuInstanceInfo.class, "nvmlGpuInstanceInfo_t"),
            Map.entry(NvmlStructs.GpuInstanceProfileInfoV2.class, "nvmlGpuInstanceProfileInfo_v2_t"));

    @BeforeAll
    static void loadFake() {
        fake = FakeNvml.load();
    }

    static Stream<Arguments> structs() {
        return C_NAMES.entrySet().stream().map(e -> Arguments.of(e.getValue(), e.getKey()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("structs")
    void structSizeAndEveryFieldOffsetMatchC(String cName, Class<? extends Structure> type) throws Exception {
        Structure s = type.getDeclaredConstructor().newInstance();
        long cSize = fake.fake_layout(cName, null);
        assertThat(cSize).as("C probe knows %s", cName).isPositive();
        assertThat((long) s.size()).as("sizeof(%s)", cName).isEqualTo(cSize);
        Method fieldOffset = Structure.class.getDeclaredMethod("fieldOffset", String.class);
        fieldOffset.setAccessible(true);
        String[] fields = type.getAnnotation(Structure.FieldOrder.class).value();
        assertThat(fields).isNotEmpty();
        for (String f : fields) {
            long cOffset = fake.fake_layout(cName, f);
            assertThat(cOffset).as("C probe knows %s.%s", cName, f).isGreaterThanOrEqualTo(0);
            assertThat((long) (int) fieldOffset.invoke(s, f))
                    .as("offsetof(%s, %s)", cName, f)
                    .isEqualTo(cOffset);
        }
    }

    @Test
    void memoryV2VersionIsSizeWithVersionTwoInTheTopByte() {
        assertThat((long) NvmlStructs.MemoryV2.VERSION).isEqualTo(fake.fake_layout("nvmlMemory_v2_t", null) | 2L << 24);
    }

    @Test
    void gpuInstanceProfileInfoV2VersionIsSizeWithVersionTwoInTheTopByte() {
        assertThat((long) NvmlStructs.GpuInstanceProfileInfoV2.VERSION)
                .isEqualTo(fake.fake_layout("nvmlGpuInstanceProfileInfo_v2_t", null) | 2L << 24);
    }

    @Test
    void gpmMetricsGetHoldsTheHeadersMetricMaxEntries() {
        long metric = fake.fake_layout("nvmlGpmMetric_t", null);
        long whole = fake.fake_layout("nvmlGpmMetricsGet_t", null);
        long header = fake.fake_layout("nvmlGpmMetricsGet_t", "metrics");
        assertThat((whole - header) / metric).isEqualTo(NvmlStructs.GpmMetricsGet.METRIC_MAX);
    }

    @Test
    void probeRejectsUnknownNames() {
        assertThat(fake.fake_layout("nvmlNoSuch_t", null)).isEqualTo(-1);
        assertThat(fake.fake_layout("nvmlMemory_v2_t", "noSuchField")).isEqualTo(-1);
    }
}
