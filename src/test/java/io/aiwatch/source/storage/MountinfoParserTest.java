package io.aiwatch.source.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountinfoParserTest {
    private final ParseErrors errors = new ParseErrors();

    @Test
    void decodesEscapedSpacesAndTabsInMountPoints() throws Exception {
        List<Mount> mounts = MountinfoParser.parse(Files.readString(Fixtures.PROC.resolve("1/mountinfo")), errors);
        assertThat(mounts).extracting(Mount::mountPoint).contains("/mnt/my models\tv2");
    }

    @Test
    void readsFieldsAfterOptionalTagsAndTheSeparator() throws Exception {
        List<Mount> mounts = MountinfoParser.parse(Files.readString(Fixtures.PROC.resolve("1/mountinfo")), errors);
        Mount data = mounts.stream()
                .filter(m -> m.mountPoint().equals("/data"))
                .findFirst()
                .orElseThrow();
        assertThat(data).isEqualTo(new Mount("259:1", "/data", "xfs", "/dev/nvme0n1p1", false));
        Mount zfs = mounts.stream()
                .filter(m -> m.mountPoint().equals("/models"))
                .findFirst()
                .orElseThrow();
        assertThat(zfs.source()).isEqualTo("tank/models");
        assertThat(zfs.fsType()).isEqualTo("zfs");
    }

    @Test
    void readOnlyFollowsMountAndSuperblockOptions() {
        List<Mount> m = MountinfoParser.parse("""
                1 0 8:1 / /a ro,relatime - ext4 /dev/sda1 rw
                2 0 8:2 / /b rw - ext4 /dev/sda2 ro
                3 0 8:3 / /c rw - ext4 /dev/sda3 rw,emergency_ro
                4 0 8:4 / /d rw,errors=remount-ro - ext4 /dev/sda4 rw,errors=remount-ro
                """, errors);
        assertThat(m).extracting(Mount::readOnly).containsExactly(true, true, true, false);
    }

    @Test
    void skipsAndCountsMalformedLines() {
        List<Mount> m = MountinfoParser.parse("""
                37 27 this line is broken
                1 0 8:1 / /a rw shared:1 master:2 ext4 /dev/sda1 rw
                2 0 8:2 / /ok rw - ext4 /dev/sda2 rw
                """, errors);
        assertThat(m).extracting(Mount::mountPoint).containsExactly("/ok");
        assertThat(errors.count("mountinfo")).isEqualTo(2);
    }

    @Test
    void unescapeLeavesLoneBackslashesAlone() {
        assertThat(MountinfoParser.unescape("/a\\134b\\040c\\9")).isEqualTo("/a\\b c\\9");
    }
}
