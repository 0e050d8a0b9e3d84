package io.aiwatch.source.inference;

import io.aiwatch.collect.Labels;
import java.util.Arrays;

/**
 * The lexical layer of {@link PromTextParser}: reads names, label sets, escaped strings, numbers
 * and separators from one line {@code [pos, end)} of the exposition. Kept across scrapes with its
 * parser, so its buffers and string pool are reused; not thread-safe.
 */
final class PromLineReader {

    final boolean om;
    private final String[] pool = new String[2048];
    private final StringBuilder scratch = new StringBuilder(64);
    private final boolean[] ok = new boolean[1];
    private String[] labelBuf = new String[16];

    String text;
    int pos;
    int end;
    int line;

    PromLineReader(boolean openMetrics) {
        this.om = openMetrics;
    }

    boolean atEnd() {
        return pos >= end;
    }

    char peek() {
        return text.charAt(pos);
    }

    long timestamp() throws ParseException {
        int start = pos;
        int stop = tokenEnd();
        if (om) {
            double seconds = PromNumbers.parseFloat(text, start, stop, ok);
            if (!ok[0] || !Double.isFinite(seconds) || Math.abs(seconds) > 9.2e15) {
                throw error("invalid timestamp '" + shorten(text.substring(start, stop)) + "'");
            }
            pos = stop;
            return Math.round(seconds * 1000);
        }
        long millis = PromNumbers.parseMillis(text, start, stop, ok);
        if (!ok[0]) {
            throw error(
                    "invalid timestamp '" + shorten(text.substring(start, stop)) + "' (int64 milliseconds expected)");
        }
        pos = stop;
        return millis;
    }

    double number(String what) throws ParseException {
        int start = pos;
        int stop = tokenEnd();
        double v = PromNumbers.parseFloat(text, start, stop, ok);
        if (!ok[0]) {
            throw error("invalid " + what + " '" + shorten(text.substring(start, stop)) + "'");
        }
        pos = stop;
        return v;
    }

    int tokenEnd() {
        int i = pos;
        while (i < end && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
            i++;
        }
        return i;
    }

    Labels labels() throws ParseException {
        pos++; // '{'
        int n = 0;
        skipInnerBlanks();
        while (pos < end && text.charAt(pos) != '}') {
            int start = pos;
            while (pos < end && isLabelChar(text.charAt(pos), pos == start)) {
                pos++;
            }
            if (pos == start) {
                throw error("invalid label name at column " + (pos - lineStart() + 1));
            }
            String name = intern(start, pos);
            for (int i = 0; i < n; i += 2) {
                if (labelBuf[i].equals(name)) {
                    throw error("duplicate label " + name);
                }
            }
            skipInnerBlanks();
            if (!expectChar('=')) {
                throw error("expected '=' after label " + name);
            }
            skipInnerBlanks();
            if (!expectChar('"')) {
                throw error("expected '\"' to open the value of label " + name);
            }
            if (n + 2 > labelBuf.length) {
                labelBuf = Arrays.copyOf(labelBuf, labelBuf.length * 2);
            }
            labelBuf[n++] = name;
            labelBuf[n++] = labelValue(name);
            skipInnerBlanks();
            if (pos < end && text.charAt(pos) == ',') {
                pos++;
                skipInnerBlanks();
            } else if (pos >= end || text.charAt(pos) != '}') {
                throw error("expected ',' or '}' after the value of label " + name);
            }
        }
        if (!expectChar('}')) {
            throw error("unterminated label set");
        }
        return n == 0 ? Labels.EMPTY : Labels.of(Arrays.copyOf(labelBuf, n));
    }

    private String labelValue(String name) throws ParseException {
        int start = pos;
        while (pos < end) {
            char c = text.charAt(pos);
            if (c == '"') {
                String v = intern(start, pos);
                pos++;
                return v;
            }
            if (c == '\\') {
                break;
            }
            pos++;
        }
        scratch.setLength(0);
        scratch.append(text, start, pos);
        while (pos < end) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return scratch.toString();
            }
            if (c == '\\') {
                scratch.append(unescape(true));
            } else {
                scratch.append(c);
            }
        }
        throw error("unterminated value of label " + name);
    }

    /** HELP text to the end of the line, unescaped. */
    String helpText() throws ParseException {
        int start = pos;
        int bs = text.indexOf('\\', pos);
        if (bs < 0 || bs >= end) {
            pos = end;
            return intern(start, end);
        }
        scratch.setLength(0);
        while (pos < end) {
            char c = text.charAt(pos++);
            if (c == '\\') {
                if (pos == end) {
                    if (om) {
                        throw error("HELP ends with a lone backslash");
                    }
                    scratch.append('\\');
                } else if (!om && text.charAt(pos) != '\\' && text.charAt(pos) != 'n') {
                    scratch.append('\\'); // 0.0.4 HELP: unknown escapes stay as written
                } else {
                    scratch.append(unescape(false));
                }
            } else {
                scratch.append(c);
            }
        }
        return scratch.toString();
    }

    /** The character after a backslash at {@code pos}. */
    private char unescape(boolean labelValue) throws ParseException {
        if (pos >= end) {
            throw error("unfinished escape sequence");
        }
        char c = text.charAt(pos++);
        switch (c) {
            case '\\':
                return '\\';
            case 'n':
                return '\n';
            case '"':
                if (labelValue || om) {
                    return '"';
                }
            // fall through
            default:
                throw error("invalid escape sequence '\\" + c + "'");
        }
    }

    String metricName() throws ParseException {
        int start = pos;
        while (pos < end) {
            char c = text.charAt(pos);
            boolean valid = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || c == '_'
                    || c == ':'
                    || (pos > start && c >= '0' && c <= '9');
            if (!valid) {
                break;
            }
            pos++;
        }
        if (pos == start) {
            throw error("invalid metric name at column " + (pos - lineStart() + 1));
        }
        return intern(start, pos);
    }

    private static boolean isLabelChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
    }

    /** One space in OpenMetrics; one or more blanks in 0.0.4. */
    void separator() throws ParseException {
        int start = pos;
        if (om) {
            expectChar(' ');
        } else {
            skipBlanks();
        }
        if (pos == start) {
            throw error("expected a space at column " + (pos - lineStart() + 1));
        }
        if (pos == end) {
            throw error("line ends after a separator");
        }
    }

    /**
     * The blank after a value: true when more tokens follow. 0.0.4 tolerates trailing blanks;
     * OpenMetrics wants exactly one space and nothing dangling.
     */
    boolean gap() throws ParseException {
        if (om) {
            separator();
            return true;
        }
        int start = pos;
        skipBlanks();
        if (pos == start) {
            throw error("expected a space at column " + (pos - lineStart() + 1));
        }
        return pos < end;
    }

    void skipBlanks() {
        while (pos < end && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipInnerBlanks() {
        if (!om) {
            skipBlanks();
        }
    }

    boolean isBlankOnlyRest() {
        for (int i = pos; i < end; i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    boolean expectChar(char c) {
        if (pos < end && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private int lineStart() {
        int nl = text.lastIndexOf('\n', Math.max(0, pos - 1));
        return nl < 0 || nl >= pos ? 0 : nl + 1;
    }

    /** The string in [from, to), shared with earlier equal strings of this parser. */
    String intern(int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + text.charAt(i);
        }
        int slot = (h ^ (h >>> 15)) & (pool.length - 1);
        String s = pool[slot];
        int len = to - from;
        if (s != null && s.length() == len && text.regionMatches(from, s, 0, len)) {
            return s;
        }
        s = text.substring(from, to);
        pool[slot] = s;
        return s;
    }

    ParseException error(String reason) {
        return new ParseException(line, reason);
    }

    static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
