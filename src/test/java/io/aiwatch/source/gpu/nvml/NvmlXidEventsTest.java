package io.aiwatch.source.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aiwatch.source.gpu.DcgmField;
import io.aiwatch.source.gpu.GpuCallException;
import io.aiwatch.source.gpu.NvmlReturn;
import io.aiwatch.source.gpu.XidEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XID events arrive through one event set and are drained per device without loss. */
class NvmlXidEventsTest {
    private FakeNvml fake;
    private NvmlBackend backend;

    @BeforeEach
    void setUp() {
        fake = FakeNvml.load();
    }

    @AfterEach
    void tearDown() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void drainsEachDevicesEventsInOrderAndKeepsTheOthers() throws Exception {
        backend = FakeNvml.backend();
        fake.fake_push_xid(0, 79);
        fake.fake_push_xid(1, 48);
        fake.fake_push_xid(0, 13);
        fake.fake_push_xid(1, 94);
        assertThat(backend.reader(0).drainXidEvents()).containsExactly(new XidEvent(79), new XidEvent(13));
        fake.fake_push_xid(0, 31);
        assertThat(backend.reader(1).drainXidEvents()).containsExactly(new XidEvent(48), new XidEvent(94));
        assertThat(backend.reader(1).drainXidEvents()).isEmpty();
        assertThat(backend.reader(0).drainXidEvents()).containsExactly(new XidEvent(31));
        assertThat(backend.droppedXidEvents()).isZero();
    }

    @Test
    void lastXidFieldDoesNotConsumeEvents() throws Exception {
        backend = FakeNvml.backend();
        assertThat(backend.reader(1).read(DcgmField.DCGM_FI_DEV_XID_ERRORS)).isZero();
        fake.fake_push_xid(1, 48);
        fake.fake_push_xid(1, 63);
        assertThat(backend.reader(1).read(DcgmField.DCGM_FI_DEV_XID_ERRORS)).isEqualTo(63);
        assertThat(backend.reader(1).drainXidEvents()).containsExactly(new XidEvent(48), new XidEvent(63));
        assertThat(backend.reader(1).read(DcgmField.DCGM_FI_DEV_XID_ERRORS))
                .as("last value stays")
                .isEqualTo(63);
    }

    @Test
    void registrationNotSupportedMakesDrainNotSupportedForThatDevice() throws Exception {
        fake.fake_set_value(1, "xid_supported", 0);
        backend = FakeNvml.backend();
        GpuCallException e = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(1).drainXidEvents());
        assertThat(e.code()).isEqualTo(NvmlReturn.NOT_SUPPORTED);
        assertThat(e.function()).isEqualTo("nvmlDeviceRegisterEvents");
        fake.fake_push_xid(0, 79);
        assertThat(backend.reader(0).drainXidEvents()).containsExactly(new XidEvent(79));
    }

    @Test
    void eventSetCreationFailureFailsEveryDrain() throws Exception {
        fake.fake_fail("nvmlEventSetCreate", -1, 999, 1);
        backend = FakeNvml.backend();
        GpuCallException e = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).drainXidEvents());
        assertThat(e.function()).isEqualTo("nvmlEventSetCreate");
        assertThat(e.rawCode()).isEqualTo(999);
    }

    @Test
    void waitErrorsSurfaceAndPendingEventsSurviveThem() throws Exception {
        backend = FakeNvml.backend();
        fake.fake_push_xid(0, 79);
        fake.fake_fail("nvmlEventSetWait_v2", -1, 15, 1);
        GpuCallException e = catchThrowableOfType(
                GpuCallException.class, () -> backend.reader(0).drainXidEvents());
        assertThat(e.function()).isEqualTo("nvmlEventSetWait_v2");
        assertThat(e.isGpuLost()).isTrue();
        assertThat(backend.reader(0).drainXidEvents()).containsExactly(new XidEvent(79));
    }
}
