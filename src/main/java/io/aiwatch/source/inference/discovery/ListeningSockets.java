package io.aiwatch.source.inference.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Listening TCP sockets of local processes, read from procfs: {@code net/tcp} and {@code net/tcp6}
 * give each socket in state LISTEN (0A) with its local address and inode, and the
 * {@code socket:[inode]} links under {@code PID/fd} say which process holds it. Processes whose
 * fd directory cannot be read (another user's, without CAP_SYS_PTRACE) are skipped silently: a
 * daemon without privileges sees its own user's servers only.
 */
final class ListeningSockets {
    /**
     * One process's listening socket.
     *
     * @param pid     the process (host PID namespace when procfs is the host's)
     * @param host    address to reach it on: 127.0.0.1 or ::1 for wildcard and loopback binds,
     *                else the bound address
     * @param port    TCP port
     * @param command the process's command line, arguments joined by spaces
     */
    record Listener(long pid, String host, int port, String command) {}

    private final Path proc;

    /** @param proc the procfs root, {@code /proc} on a real node */
    ListeningSockets(Path proc) {
        this.proc = proc;
    }

    /**
     * The listeners of processes whose command line matches {@code pattern}, at most {@code limit},
     * ordered by pid and port.
     */
    List<Listener> find(Pattern pattern, int limit) {
        Map<Long, String[]> sockets = new HashMap<>();
        readTable(proc.resolve("net/tcp"), false, sockets);
        readTable(proc.resolve("net/tcp6"), true, sockets);
        List<Listener> out = new ArrayList<>();
        if (sockets.isEmpty()) {
            return out;
        }
        for (long pid : pids()) {
            String command = command(pid);
            if (command == null || !pattern.matcher(command).find()) {
                continue;
            }
            List<Listener> mine = new ArrayList<>();
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(pid + "/fd"))) {
                for (Path fd : fds) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (IOException | UnsupportedOperationException e) {
                        continue;
                    }
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        String[] s = sockets.get(parseLong(target.substring(8, target.length() - 1)));
                        if (s != null) {
                            mine.add(new Listener(pid, s[0], Integer.parseInt(s[1]), command));
                        }
                    }
                }
            } catch (IOException | SecurityException e) {
                continue;
            }
            mine.sort((a, b) -> Integer.compare(a.port(), b.port()));
            for (Listener l : mine) {
                if (out.size() >= limit) {
                    return out;
                }
                if (out.stream().noneMatch(o -> o.port() == l.port() && o.host().equals(l.host()))) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /** Every process id under the procfs root, ascending. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                    pids.add(Long.parseLong(n));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        pids.sort(null);
        return pids;
    }

    /** The command line of a process, NULs as spaces; null when it is gone or unreadable (kernel threads: empty). */
    String command(long pid) {
        try {
            byte[] b = Files.readAllBytes(proc.resolve(pid + "/cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** The parent pid from {@code PID/stat}, or -1. */
    long parent(long pid) {
        try {
            String stat = Files.readString(proc.resolve(pid + "/stat"));
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Rows of a /proc/net/tcp* table in state LISTEN: inode → {host to dial, port}. */
    private static void readTable(Path table, boolean v6, Map<Long, String[]> into) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return;
        }
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length < 10 || !f[3].equals("0A")) {
                continue;
            }
            int colon = f[1].indexOf(':');
            String addr = f[1].substring(0, colon);
            int port = Integer.parseInt(f[1].substring(colon + 1), 16);
            into.put(parseLong(f[9]), new String[] {dialHost(addr, v6), Integer.toString(port)});
        }
    }

    /** A wildcard or loopback bind is dialled on loopback; else the bound address (kernel byte order). */
    static String dialHost(String hex, boolean v6) {
        if (!v6) {
            long a = Long.parseLong(hex, 16);
            // little-endian host order as the kernel prints it on x86 and arm64
            String ip = (a & 0xff) + "." + (a >> 8 & 0xff) + "." + (a >> 16 & 0xff) + "." + (a >> 24 & 0xff);
            return ip.equals("0.0.0.0") || ip.startsWith("127.") ? "127.0.0.1" : ip;
        }
        String h = hex.toUpperCase(Locale.ROOT);
        if (h.equals("00000000000000000000000000000000") || h.equals("00000000000000000000000001000000")) {
            return "[::1]";
        }
        if (h.startsWith("0000000000000000FFFF0000")) {
            return dialHost(h.substring(24), false); // IPv4-mapped
        }
        StringBuilder sb = new StringBuilder("[");
        for (int w = 0; w < 4; w++) {
            String word = h.substring(w * 8, w * 8 + 8);
            // each 32-bit word is printed in host (little-endian) order
            String be = word.substring(6, 8) + word.substring(4, 6) + word.substring(2, 4) + word.substring(0, 2);
            sb.append(Integer.toHexString(Integer.parseInt(be.substring(0, 4), 16)))
                    .append(':')
                    .append(Integer.toHexString(Integer.parseInt(be.substring(4), 16)));
            sb.append(w < 3 ? ":" : "]");
        }
        return sb.toString();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
