package io.aiwatch.source.storage;

import java.io.IOException;

/** Stats one mounted filesystem; {@link Statvfs} in production, a fake that hangs in tests. */
@FunctionalInterface
public interface FsStatter {
    /** May block for as long as the filesystem does (a dead NFS server): call it off the collector thread. */
    FsStat stat(String path) throws IOException;
}
