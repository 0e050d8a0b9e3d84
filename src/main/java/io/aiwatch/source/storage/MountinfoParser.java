package io.aiwatch.source.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/PID/mountinfo} (proc(5)):
 * {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS}.
 * Malformed lines are skipped and counted under {@code mountinfo}.
 */
public final class MountinfoParser {
    static final String FILE = "mountinfo";

    private MountinfoParser() {}

    public static List<Mount> parse(String text, ParseErrors errors) {
        List<Mount> result = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(" ");
            int sep = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    sep = i;
                    break;
                }
            }
            if (f.length < 10 || sep < 0 || f.length < sep + 4 || !f[2].contains(":")) {
                errors.record(
                        FILE,
                        "line " + lineNo + ": expected 'ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - "
                                + "FSTYPE SOURCE SUPEROPTIONS', got " + f.length + " fields");
                continue;
            }
            String options = f[5];
            String superOptions = f[sep + 3];
            boolean readOnly = hasOption(options, "ro")
                    || hasOption(superOptions, "ro")
                    || hasOption(superOptions, "emergency_ro");
            result.add(new Mount(f[2], unescape(f[4]), unescape(f[sep + 1]), unescape(f[sep + 2]), readOnly));
        }
        return result;
    }

    static boolean hasOption(String options, String option) {
        for (String o : options.split(",")) {
            if (o.equals(option)) {
                return true;
            }
        }
        return false;
    }

    /** Decodes the kernel's {@code \ooo} octal escapes (space, tab, newline, backslash). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
