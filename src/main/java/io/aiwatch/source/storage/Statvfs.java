package io.aiwatch.source.storage;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.io.IOException;

/**
 * statvfs(3) through JNA. Linux x86-64 / aarch64 glibc layout of {@code struct statvfs}
 * (bits/statvfs.h, LP64, no {@code __f_unused}): eleven 8-byte fields then {@code int __f_spare[6]},
 * 112 bytes. A test checks the result against coreutils' {@code stat -f}.
 */
public final class Statvfs implements FsStatter {
    private static final LibC LIBC = Native.load("c", LibC.class);

    /** {@code struct statvfs}; comments give the C type. */
    @Structure.FieldOrder({
        "f_bsize",
        "f_frsize",
        "f_blocks",
        "f_bfree",
        "f_bavail",
        "f_files",
        "f_ffree",
        "f_favail",
        "f_fsid",
        "f_flag",
        "f_namemax",
        "f_spare"
    })
    public static final class Struct extends Structure {
        public long f_bsize; // unsigned long: preferred I/O size, bytes
        public long f_frsize; // unsigned long: fragment size, the unit of f_blocks/f_bfree/f_bavail
        public long f_blocks; // fsblkcnt_t (uint64)
        public long f_bfree; // fsblkcnt_t
        public long f_bavail; // fsblkcnt_t
        public long f_files; // fsfilcnt_t (uint64)
        public long f_ffree; // fsfilcnt_t
        public long f_favail; // fsfilcnt_t
        public long f_fsid; // unsigned long
        public long f_flag; // unsigned long: ST_RDONLY = 1, ...
        public long f_namemax; // unsigned long
        public int[] f_spare = new int[6]; // int __f_spare[6]

        /** Byte offset of a field, for the layout test. */
        int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    interface LibC extends Library {
        int statvfs(String path, Struct buf) throws LastErrorException;
    }

    @Override
    public FsStat stat(String path) throws IOException {
        Struct s = new Struct();
        try {
            LIBC.statvfs(path, s);
        } catch (LastErrorException e) {
            throw new IOException("statvfs " + path + ": errno " + e.getErrorCode());
        }
        long unit = s.f_frsize != 0 ? s.f_frsize : s.f_bsize;
        return new FsStat(unit, s.f_blocks, s.f_bfree, s.f_bavail, s.f_files, s.f_ffree);
    }
}
