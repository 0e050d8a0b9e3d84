package io.aiwatch.tool.loadbench.bench;

import io.aiwatch.tool.loadbench.BlockDevices;
import io.aiwatch.tool.loadbench.SafetensorsHeader;
import io.aiwatch.tool.loadbench.SyntheticModel;
import io.aiwatch.tool.loadbench.tier.Cleanup;
import io.aiwatch.tool.loadbench.tier.Commands;
import io.aiwatch.tool.loadbench.tier.SafeTarget;
import io.aiwatch.tool.loadbench.tier.Tiers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A model file on a storage tier, ready to be read: where it is, what lies under it (filesystem,
 * block devices, the daemon's device class) and its parsed header.
 *
 * @param tier        disk, xfs, tmpfs, zfs, or {@code given}
 * @param fsType      filesystem type from mountinfo
 * @param setup       what was made for the tier
 * @param file        the safetensors file
 * @param header      its header
 * @param devices     block devices under the file, nearest first (empty on tmpfs)
 * @param deviceClass the daemon's class of the nearest device ({@code memory} without one)
 */
public record TierFile(
        String tier,
        String fsType,
        String setup,
        Path file,
        SafetensorsHeader header,
        List<String> devices,
        String deviceClass) {

    public TierFile {
        devices = List.copyOf(devices);
    }

    /** The tier could not be made or its file not written; the message says why (a negative result). */
    public static final class Unavailable extends IOException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /**
     * Makes tier {@code name} inside {@code target} and writes a synthetic model of {@code bytes}
     * on it; everything made is registered with {@code cleanup}.
     */
    public static TierFile prepare(
            SafeTarget target,
            Commands commands,
            Cleanup cleanup,
            String name,
            long bytes,
            long seed,
            DaemonObserver daemon,
            Consumer<String> log)
            throws IOException, InterruptedException {
        Tiers.Tier tier = new Tiers(target, commands, cleanup).create(name, bytes);
        if (!tier.available()) {
            throw new Unavailable("tier " + name + ": " + tier.unavailable());
        }
        Path file = target.resolve(target.root()
                .relativize(tier.dir().resolve("model.safetensors"))
                .toString());
        SafetensorsHeader header;
        try {
            SafeTarget.requireSpace(tier.dir(), bytes, "the synthetic file on " + name);
            cleanup.push("delete " + file, () -> Files.deleteIfExists(file));
            log.accept("tier " + name + " (" + tier.setup() + "): writing " + SafeTarget.human(bytes));
            header = SyntheticModel.write(file, bytes, seed);
        } catch (IOException e) {
            throw new Unavailable("tier " + name + ": " + e.getMessage());
        }
        return describe(name, tier.fsType(), tier.setup(), file, header, daemon);
    }

    /** An existing file, read where it is. */
    public static TierFile inPlace(Path file, SafeTarget target, Commands commands, DaemonObserver daemon)
            throws IOException {
        SafetensorsHeader header = SafetensorsHeader.read(file);
        String fs = new Tiers(target, commands, new Cleanup()).fsType(file.toRealPath());
        return describe("given", fs, "file in place", file, header, daemon);
    }

    private static TierFile describe(
            String name, String fsType, String setup, Path file, SafetensorsHeader header, DaemonObserver daemon)
            throws IOException {
        List<String> devices = new BlockDevices().of(file);
        String deviceClass =
                devices.isEmpty() ? "memory" : daemon.mark().classes().getOrDefault(devices.get(0), "unknown");
        return new TierFile(name, fsType, setup, file, header, devices, deviceClass);
    }

    public BenchReport.TierOutcome outcome() {
        return new BenchReport.TierOutcome(
                tier, fsType, setup, file.toString(), header.fileBytes(), devices, deviceClass, null);
    }
}
