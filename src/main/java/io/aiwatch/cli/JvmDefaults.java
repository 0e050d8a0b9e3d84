package io.aiwatch.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The daemon's JVM defaults however it is started (issue #20 item 1). The launcher passes small-heap
 * flags and {@code MALLOC_ARENA_MAX=2}; a container entrypoint or systemd unit that runs
 * {@code java -jar aiwatch.jar} does not, and on a 16-core GPU node such a JVM sized itself for the
 * machine (a heap of a quarter of RAM, G1 with a thread per core, eight malloc arenas per core).
 * A jar cannot carry JVM flags, so the daemon re-executes itself once, in place
 * ({@code execv} of {@code /proc/self/exe}: same pid, so systemd and Kubernetes see one process),
 * with the flags the command line lacks put before the user's own (which therefore still win) and
 * {@code MALLOC_ARENA_MAX=2} unless set. {@code -Daiwatch.jvm.defaults=…} marks a JVM that must not
 * re-execute (the launcher sets it; {@code off} or {@code AIWATCH_JVM_DEFAULTS=off} opt out).
 */
final class JvmDefaults {
    /** The system property that marks a JVM started with its flags chosen. */
    static final String MARKER = "aiwatch.jvm.defaults";

    /** One default flag and the pattern of flags that mean the user already chose that setting. */
    record Flag(String flag, Pattern chosen) {
        Flag(String flag, String chosenRegex) {
            this(flag, Pattern.compile(chosenRegex));
        }
    }

    /** The launcher's daemon flags (packaging/bin/aiwatch), each with what overrides it. */
    static final List<Flag> DAEMON = List.of(
            new Flag("-Xms16m", "-Xms.*|-XX:InitialHeapSize=.*"),
            new Flag("-Xmx96m", "-Xmx.*|-XX:MaxHeapSize=.*|-XX:MaxRAMPercentage=.*"),
            new Flag("-XX:+UseSerialGC", "-XX:[+-]Use\\w*GC"),
            new Flag("-XX:MaxMetaspaceSize=64m", "-XX:MaxMetaspaceSize=.*"),
            new Flag("-XX:ReservedCodeCacheSize=32m", "-XX:ReservedCodeCacheSize=.*"),
            new Flag("-XX:MaxDirectMemorySize=32m", "-XX:MaxDirectMemorySize=.*"),
            new Flag("-Xss512k", "-Xss.*|-XX:ThreadStackSize=.*"),
            // C1 only: C2's compilations peaked at 122 MB of native arena memory under a scrape flood
            // (NMT), which glibc kept; with C1 the flood's peak RSS was 1.3x steady instead of 2.1x.
            new Flag("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=.*|-XX:[+-]TieredCompilation"),
            new Flag("-XX:+ExitOnOutOfMemoryError", "-XX:[+-]ExitOnOutOfMemoryError"));

    /** glibc's arenas: two are plenty for this daemon (8 per core by default). */
    static final String ARENAS = "MALLOC_ARENA_MAX";

    /** What a re-execution would change: flags to put first and whether to set the arena cap. */
    record Plan(List<String> flags, boolean setArenas) {
        boolean needed() {
            return !flags.isEmpty() || setArenas;
        }
    }

    private JvmDefaults() {}

    /** The plan for a JVM with {@code inputArguments} (command line and JAVA_TOOL_OPTIONS) and {@code env}. */
    static Plan plan(List<String> inputArguments, Map<String, String> env) {
        List<String> add = new ArrayList<>();
        for (Flag f : DAEMON) {
            if (inputArguments.stream().noneMatch(a -> f.chosen().matcher(a).matches())) {
                add.add(f.flag());
            }
        }
        return new Plan(add, !env.containsKey(ARENAS));
    }

    /**
     * The new argv: {@code argv[0]}, the plan's flags, the marker, then the rest of {@code argv}
     * (the user's flags, {@code -jar}/{@code -cp}, main class, arguments) unchanged.
     */
    static List<String> argv(List<String> argv, Plan plan) {
        List<String> out = new ArrayList<>();
        out.add(argv.get(0));
        out.addAll(plan.flags());
        out.add("-D" + MARKER + "=applied");
        out.addAll(argv.subList(1, argv.size()));
        return out;
    }

    /**
     * Re-executes this JVM with the daemon's defaults when it lacks them; returns when it need
     * not, may not, or cannot (then the daemon runs as started, with a note on stderr).
     */
    static void applyToDaemon() {
        if (System.getProperty(MARKER) != null
                || "off".equals(System.getenv("AIWATCH_JVM_DEFAULTS"))
                || !System.getProperty("os.name", "").startsWith("Linux")) {
            return;
        }
        Plan plan = plan(ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getenv());
        if (!plan.needed()) {
            return;
        }
        try {
            List<String> argv = cmdline();
            if (argv.isEmpty()) {
                return;
            }
            LibC libc = Native.load("c", LibC.class);
            if (plan.setArenas()) {
                libc.setenv(ARENAS, "2", 0);
            }
            List<String> next = argv(argv, plan);
            libc.execv("/proc/self/exe", next.toArray(String[]::new));
            System.err.println("aiwatch: could not re-execute with the daemon's JVM defaults (errno "
                    + Native.getLastError() + "); running as started");
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println(
                    "aiwatch: could not re-execute with the daemon's JVM defaults (" + e + "); running as started");
        }
    }

    /** This process's argv from /proc/self/cmdline. */
    private static List<String> cmdline() throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(raw.split("\0", -1)));
        if (!args.isEmpty() && args.get(args.size() - 1).isEmpty()) {
            args.remove(args.size() - 1);
        }
        return args;
    }

    /** The two libc calls (JNA passes a String[] as a NULL-terminated char *[]). */
    interface LibC extends Library {
        int setenv(String name, String value, int overwrite);

        int execv(String path, String[] argv);
    }
}
