package io.aiwatch.cli;

import io.aiwatch.daemon.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code --version} of every command: the jar manifest's version ({@link Version}). */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"aiwatch " + Version.get()};
    }
}
