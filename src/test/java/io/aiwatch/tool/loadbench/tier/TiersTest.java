package io.aiwatch.tool.loadbench.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier setup and its undoing, with the system tools replaced by a recorder (no root needed). */
class TiersTest {
    @TempDir
    Path dir;

    private Path proc;
    private final List<String> ran = new ArrayList<>();
    private String failOn = "";
    private Cleanup cleanup;

    private final Commands fake = command -> {
        String line = String.join(" ", command);
        ran.add(line);
        if (!failOn.isEmpty() && line.startsWith(failOn)) {
            return new Commands.Result(1, failOn + ": simulated failure");
        }
        return new Commands.Result(
                0, command.get(0).equals("losetup") && command.contains("--show") ? "/dev/loop7\n" : "");
    };

    @BeforeEach
    void fakeProc() throws IOException {
        proc = Files.createDirectories(dir.resolve("proc"));
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/mountinfo"), "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal: 24000000 kB\nMemAvailable: 20000000 kB\n");
        Files.writeString(proc.resolve("filesystems"), "nodev\ttmpfs\n\text4\n\txfs\n");
        Files.createDirectories(dir.resolve("bench"));
        cleanup = new Cleanup();
    }

    @AfterEach
    void close() {
        cleanup.close();
    }

    private Tiers tiers() throws IOException {
        return new Tiers(new SafeTarget(dir.resolve("bench")), fake, cleanup, proc);
    }

    @Test
    void xfsOnADirectIoLoopDeviceIsUndoneInReverseOrder() throws Exception {
        Tiers.Tier t = tiers().create("xfs", 64L << 20);
        Path root = dir.resolve("bench").toRealPath();
        assertThat(t.available()).isTrue();
        assertThat(t.dir()).isEqualTo(root.resolve("xfs"));
        assertThat(t.setup()).isEqualTo("/dev/loop7 (direct-io) on xfs.img");
        assertThat(ran)
                .containsExactly(
                        "losetup --find --show --direct-io=on " + root.resolve("xfs.img"),
                        "mkfs.xfs -q -f /dev/loop7",
                        "mount -t xfs -o noatime /dev/loop7 " + root.resolve("xfs"));
        assertThat(Files.size(root.resolve("xfs.img"))).isEqualTo(Tiers.imageBytes(64L << 20));
        ran.clear();
        assertThat(cleanup.runAll()).isEmpty();
        assertThat(ran).containsExactly("umount " + root.resolve("xfs"), "losetup -d /dev/loop7");
        assertThat(root.resolve("xfs")).doesNotExist();
        assertThat(root.resolve("xfs.img")).doesNotExist();
    }

    @Test
    void aFailedMkfsIsANegativeResultAndTheLoopDeviceIsStillDetached() throws Exception {
        failOn = "mkfs.xfs";
        Tiers.Tier t = tiers().create("xfs", 64L << 20);
        assertThat(t.available()).isFalse();
        assertThat(t.unavailable()).contains("mkfs.xfs: simulated failure");
        ran.clear();
        cleanup.runAll();
        assertThat(ran).containsExactly("losetup -d /dev/loop7");
        assertThat(dir.resolve("bench/xfs.img")).doesNotExist();
    }

    @Test
    void anInterruptionRunsTheShutdownHookWhichUndoesEverythingOnce() throws Exception {
        Tiers tiers = tiers();
        tiers.create("xfs", 64L << 20);
        tiers.create("tmpfs", 64L << 20);
        ran.clear();
        Thread hook = cleanup.hook();
        hook.start(); // what the JVM does on SIGTERM / Ctrl-C
        hook.join();
        assertThat(ran).first().asString().startsWith("umount").endsWith("tmpfs");
        assertThat(ran).contains("losetup -d /dev/loop7").hasSize(3);
        ran.clear();
        cleanup.close();
        assertThat(ran).isEmpty();
    }

    @Test
    void aBusyMountIsDetachedLazily() throws Exception {
        Path root = dir.resolve("bench").toRealPath();
        tiers().create("tmpfs", 64L << 20);
        failOn = "umount " + root;
        ran.clear();
        assertThat(cleanup.runAll()).isEmpty();
        assertThat(ran).containsExactly("umount " + root.resolve("tmpfs"), "umount --lazy " + root.resolve("tmpfs"));
    }

    @Test
    void fallsBackToABufferedLoopAndSaysSo() throws Exception {
        failOn = "losetup --find --show --direct-io=on";
        Tiers.Tier t = tiers().create("xfs", 64L << 20);
        assertThat(t.available()).isTrue();
        assertThat(t.setup()).contains("buffered (direct-io refused");
    }

    @Test
    void tmpfsIsRefusedWhenMemoryIsShort() throws Exception {
        Files.writeString(proc.resolve("meminfo"), "MemAvailable: 100000 kB\n");
        Tiers.Tier t = tiers().create("tmpfs", 256L << 20);
        assertThat(t.unavailable()).startsWith("refusing a tmpfs of 256.0 MiB");
        assertThat(ran).isEmpty();
    }

    @Test
    void zfsWithoutModuleSupportIsANegativeResultWithTheReason() throws Exception {
        Tiers.Tier t = tiers().create("zfs", 64L << 20);
        assertThat(t.unavailable()).contains("built without CONFIG_MODULES");
        Files.writeString(proc.resolve("modules"), "");
        failOn = "modprobe";
        assertThat(tiers().create("zfs", 64L << 20).unavailable()).startsWith("modprobe zfs failed");
    }

    @Test
    void zfsPoolOnAFileVdevWhenTheKernelHasIt() throws Exception {
        Files.writeString(proc.resolve("filesystems"), "nodev\tzfs\n");
        Tiers.Tier t = tiers().create("zfs", 64L << 20);
        assertThat(t.available()).isTrue();
        assertThat(ran.get(1)).startsWith("zpool create -o ashift=12");
        ran.clear();
        cleanup.runAll();
        assertThat(ran.get(0)).startsWith("zpool destroy -f aiwatchlb");
    }

    @Test
    void diskTierReportsTheFilesystemOfItsDirectory() throws Exception {
        Tiers.Tier t = tiers().create("disk", 1 << 20);
        assertThat(t.fsType()).isEqualTo("ext4");
        assertThat(t.dir()).isDirectory();
    }

    @Test
    void leftoverMountsAndLoopsUnderTheDirectoryAreFound() throws Exception {
        Path root = dir.resolve("bench").toRealPath();
        Files.writeString(
                proc.resolve("self/mountinfo"),
                "22 1 254:0 / / rw - ext4 /dev/vda rw\n"
                        + "40 22 7:7 / " + root.resolve("xfs") + " rw - xfs /dev/loop7 rw\n"
                        + "41 22 0:50 / /elsewhere rw - tmpfs tmpfs rw\n");
        Path sys = dir.resolve("sys");
        Files.createDirectories(sys.resolve("block/loop7/loop"));
        Files.writeString(sys.resolve("block/loop7/loop/backing_file"), root.resolve("xfs.img") + "\n");
        Files.createDirectories(sys.resolve("block/loop3/loop"));
        Files.writeString(sys.resolve("block/loop3/loop/backing_file"), "/var/other.img\n");
        assertThat(tiers().leftovers(sys)).containsExactly("mount " + root.resolve("xfs"), "loop /dev/loop7");
        assertThat(tiers().removeLeftovers(sys))
                .containsExactly("umount " + root.resolve("xfs"), "losetup -d /dev/loop7");
    }

    @Test
    void safeTargetRefusesPathsThatLeaveTheDirectory() throws Exception {
        SafeTarget t = new SafeTarget(dir.resolve("bench"));
        assertThatThrownBy(() -> t.resolve("../escape")).hasMessageContaining("outside");
        assertThatThrownBy(() -> t.resolve("/etc/passwd")).hasMessageContaining("outside");
        Files.createSymbolicLink(dir.resolve("bench/link"), dir);
        assertThatThrownBy(() -> t.resolve("link/x")).hasMessageContaining("leads outside");
        assertThat(t.resolve("a/b")).isEqualTo(t.root().resolve("a").resolve("b"));
    }

    @Test
    void refusesAFileThatDoesNotFitWithHeadroom() {
        long tooBig = Long.MAX_VALUE / 4;
        assertThatThrownBy(() -> SafeTarget.requireSpace(dir, tooBig, "the file"))
                .hasMessageStartingWith("refusing the file")
                .hasMessageContaining("headroom");
    }
}
