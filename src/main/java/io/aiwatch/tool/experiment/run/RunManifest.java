package io.aiwatch.tool.experiment.run;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: what a run is, where it stands, and what happened to every planned
 * iteration. Rewritten atomically after every iteration, so a killed run leaves a manifest that
 * says how far it got ({@code state: running} with no end means the process died).
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE)
public final class RunManifest {
    public static final String FORMAT = "aiwatch-experiment-run/1";
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Status of a planned iteration. */
    public static final String PENDING = "pending";

    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";
    public static final String CRASHED = "crashed";

    @JsonProperty("format")
    String format = FORMAT;

    @JsonProperty("id")
    String id;

    @JsonProperty("title")
    String title;

    @JsonProperty("spec_sha256")
    String specSha256;

    @JsonProperty("quick")
    boolean quick;

    /** running, complete or incomplete. */
    @JsonProperty("state")
    String state = "running";

    @JsonProperty("started")
    String started;

    @JsonProperty("ended")
    String ended;

    @JsonProperty("simulated")
    boolean simulated;

    @JsonProperty("sessions")
    List<Session> sessions = new ArrayList<>();

    @JsonProperty("condition_state")
    Map<String, String> conditionState = new LinkedHashMap<>();

    @JsonProperty("iterations")
    List<Slot> iterations = new ArrayList<>();

    /** One invocation of the runner on this directory (the first run, then each --resume). */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    public static final class Session {
        @JsonProperty("started")
        String started;

        @JsonProperty("ended")
        String ended;

        /** complete, interrupted, crashed, or null while running. */
        @JsonProperty("end_state")
        String endState;

        @JsonProperty("reason")
        String reason;

        @JsonProperty("environment")
        String environment;

        @JsonProperty("samples")
        String samples;

        @JsonProperty("daemon")
        String daemon;

        public String started() {
            return started;
        }

        public String ended() {
            return ended;
        }

        public String endState() {
            return endState;
        }

        public String reason() {
            return reason;
        }

        public String daemon() {
            return daemon;
        }
    }

    /** One planned iteration and its latest attempt. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    public static final class Slot {
        @JsonProperty("index")
        int index;

        @JsonProperty("step")
        String step;

        @JsonProperty("iteration")
        int iteration;

        @JsonProperty("status")
        String status = PENDING;

        @JsonProperty("dir")
        String dir;

        @JsonProperty("attempts")
        int attempts;

        @JsonProperty("reason")
        String reason;

        public int index() {
            return index;
        }

        public String step() {
            return step;
        }

        public int iteration() {
            return iteration;
        }

        public String status() {
            return status;
        }

        public String dir() {
            return dir;
        }

        public String reason() {
            return reason;
        }

        /** Finished for good: measured, or failed in a way re-running would not change (a condition, the workload's own failure). */
        public boolean done() {
            return status.equals(OK) || status.equals(FAILED);
        }
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public String state() {
        return state;
    }

    public String started() {
        return started;
    }

    public String ended() {
        return ended;
    }

    public boolean quick() {
        return quick;
    }

    public boolean simulated() {
        return simulated;
    }

    public String specSha256() {
        return specSha256;
    }

    public List<Slot> iterations() {
        return iterations;
    }

    public List<Session> sessions() {
        return sessions;
    }

    public static RunManifest read(Path file) throws IOException {
        RunManifest m = JSON.readValue(file.toFile(), RunManifest.class);
        if (!FORMAT.equals(m.format)) {
            throw new IOException(file + ": not an aiwatch experiment run (format " + m.format + ")");
        }
        return m;
    }

    /** Writes atomically (temporary file, then rename). */
    public synchronized void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
