package io.aiwatch.source.gpu;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aiwatch.config.DurationText;
import java.time.Duration;

/**
 * The {@code gpu:} section.
 *
 * @param enabled          collect GPU metrics at all
 * @param library          path of libnvidia-ml.so.1 when not on the loader path; null for the default
 * @param collectorsFile   dcgm-exporter counters CSV choosing the fields; null for default-counters.csv
 * @param interval         sampling interval of fast fields (default 1s)
 * @param slowInterval     interval of blocking calls and the process list (default 10s)
 * @param hostnameLabel    {@code Hostname} (dcgm-exporter ≤ 4.8.2, default), {@code hostname} (newer) or {@code none}
 * @param processLimit     most per-process memory series per GPU (default 16)
 * @param simulate         number of simulated H100s instead of NVML (0 = real GPUs)
 * @param simulateSeed     seed of the simulated load patterns
 * @param simulateAmbientCelsius inlet temperature of the simulated GPUs, °C (default 30)
 * @param devices          dcgm-exporter's {@code -d}: {@code f} (default: a MIG-enabled GPU's instances,
 *                         else the GPU), {@code g[:ids]} (whole GPUs) or {@code i[:ids]} (GPU instances)
 * @param replaceBlanksInModelName {@code modelName} label with dashes for blanks (dcgm-exporter {@code -rbmn})
 */
public record GpuConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("library") String library,
        @JsonProperty("collectors_file") String collectorsFile,
        @JsonProperty("interval") String interval,
        @JsonProperty("slow_interval") String slowInterval,
        @JsonProperty("hostname_label") String hostnameLabel,
        @JsonProperty("process_limit") Integer processLimit,
        @JsonProperty("simulate") Integer simulate,
        @JsonProperty("simulate_seed") Long simulateSeed,
        @JsonProperty("simulate_ambient_celsius") Double simulateAmbientCelsius,
        @JsonProperty("devices") String devices,
        @JsonProperty("replace_blanks_in_model_name") Boolean replaceBlanksInModelName) {

    public GpuConfig {
        enabled = enabled == null || enabled;
        interval = interval == null ? "1s" : interval;
        slowInterval = slowInterval == null ? "10s" : slowInterval;
        hostnameLabel = hostnameLabel == null ? "Hostname" : hostnameLabel;
        processLimit = processLimit == null ? 16 : processLimit;
        simulate = simulate == null ? 0 : simulate;
        simulateSeed = simulateSeed == null ? 42L : simulateSeed;
        simulateAmbientCelsius = simulateAmbientCelsius == null ? 30.0 : simulateAmbientCelsius;
        devices = devices == null ? "f" : devices;
        replaceBlanksInModelName = replaceBlanksInModelName != null && replaceBlanksInModelName;
        DeviceSelection.parse(devices);
        requirePositive(DurationText.parse(interval), "interval");
        requirePositive(DurationText.parse(slowInterval), "slow_interval");
        if (!hostnameLabel.equals("Hostname") && !hostnameLabel.equals("hostname") && !hostnameLabel.equals("none")) {
            throw new IllegalArgumentException(
                    "hostname_label must be Hostname, hostname or none, not '" + hostnameLabel + "'");
        }
        if (processLimit < 0 || processLimit > 1000) {
            throw new IllegalArgumentException("process_limit must be between 0 and 1000, not " + processLimit);
        }
        if (simulate < 0 || simulate > 64) {
            throw new IllegalArgumentException("simulate must be between 0 and 64 GPUs, not " + simulate);
        }
        if (simulateAmbientCelsius < -20 || simulateAmbientCelsius > 80) {
            throw new IllegalArgumentException(
                    "simulate_ambient_celsius must be between -20 and 80, not " + simulateAmbientCelsius);
        }
    }

    public static GpuConfig defaults() {
        return new GpuConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public Duration intervalDuration() {
        return DurationText.parse(interval);
    }

    public Duration slowIntervalDuration() {
        return DurationText.parse(slowInterval);
    }

    public GpuConfig withSimulate(int count) {
        return new GpuConfig(
                enabled,
                library,
                collectorsFile,
                interval,
                slowInterval,
                hostnameLabel,
                processLimit,
                count,
                simulateSeed,
                simulateAmbientCelsius,
                devices,
                replaceBlanksInModelName);
    }

    public GpuConfig withCollectorsFile(String file) {
        return new GpuConfig(
                enabled,
                library,
                file,
                interval,
                slowInterval,
                hostnameLabel,
                processLimit,
                simulate,
                simulateSeed,
                simulateAmbientCelsius,
                devices,
                replaceBlanksInModelName);
    }

    public GpuConfig withLibrary(String path) {
        return new GpuConfig(
                enabled,
                path,
                collectorsFile,
                interval,
                slowInterval,
                hostnameLabel,
                processLimit,
                simulate,
                simulateSeed,
                simulateAmbientCelsius,
                devices,
                replaceBlanksInModelName);
    }

    public GpuConfig withHostnameLabel(String label) {
        return new GpuConfig(
                enabled,
                library,
                collectorsFile,
                interval,
                slowInterval,
                label,
                processLimit,
                simulate,
                simulateSeed,
                simulateAmbientCelsius,
                devices,
                replaceBlanksInModelName);
    }

    public GpuConfig withInterval(String value) {
        return new GpuConfig(
                enabled,
                library,
                collectorsFile,
                value,
                slowInterval,
                hostnameLabel,
                processLimit,
                simulate,
                simulateSeed,
                simulateAmbientCelsius,
                devices,
                replaceBlanksInModelName);
    }

    public GpuConfig withDevices(String value) {
        return new GpuConfig(
                enabled,
                library,
                collectorsFile,
                interval,
                slowInterval,
                hostnameLabel,
                processLimit,
                simulate,
                simulateSeed,
                simulateAmbientCelsius,
                value,
                replaceBlanksInModelName);
    }

    public GpuConfig withReplaceBlanksInModelName(boolean value) {
        return new GpuConfig(
                enabled,
                library,
                collectorsFile,
                interval,
                slowInterval,
                hostnameLabel,
                processLimit,
                simulate,
                simulateSeed,
                simulateAmbientCelsius,
                devices,
                value);
    }

    private static void requirePositive(Duration d, String key) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }
}
