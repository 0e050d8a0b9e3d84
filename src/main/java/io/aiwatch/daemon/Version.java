package io.aiwatch.daemon;

/**
 * aiwatch's version, from the jar manifest ({@code Implementation-Version}), or {@code dev} when
 * run from classes. Below {@code cli}, so the daemon, and the commands' {@code --version}, read
 * the same value without the daemon depending on the command line.
 */
public final class Version {
    private Version() {}

    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
