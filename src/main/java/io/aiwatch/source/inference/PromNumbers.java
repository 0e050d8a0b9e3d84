package io.aiwatch.source.inference;

/**
 * Number tokens of the exposition formats, parsed without creating a String on the common path.
 *
 * <p>Plain decimals of at most 15 significant digits and 22 fraction digits (every value vLLM
 * writes: {@code 5537.0}, {@code 0.627678}) take Clinger's fast path: an exact long mantissa
 * divided by an exact power of ten, which IEEE division rounds correctly. Anything else is
 * validated against Go's {@code ParseFloat} decimal syntax and handed to
 * {@link Double#parseDouble} (which alone would also accept {@code 1d}, {@code Infinity} or
 * surrounding blanks).
 */
final class PromNumbers {
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private PromNumbers() {}

    /** The float in {@code s[from, to)}, or NaN with {@code ok[0] = false} when it is not a number. */
    static double parseFloat(CharSequence s, int from, int to, boolean[] ok) {
        ok[0] = true;
        int len = to - from;
        if (len <= 0) {
            ok[0] = false;
            return Double.NaN;
        }
        double special = special(s, from, to);
        if (!Double.isNaN(special) || len == 3 && regionIgnoreCase(s, from, "nan")) {
            return special;
        }
        int i = from;
        boolean negative = false;
        char c = s.charAt(i);
        if (c == '+' || c == '-') {
            negative = c == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = 0;
        boolean dot = false;
        boolean fast = true;
        int start = i;
        for (; i < to; i++) {
            c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (mantissa != 0 || c != '0') {
                    digits++;
                }
                if (digits > 15) {
                    fast = false;
                } else {
                    mantissa = mantissa * 10 + (c - '0');
                }
                if (dot) {
                    fraction++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                fast = false;
                break;
            }
        }
        if (fast && i > start && !(dot && i == start + 1) && fraction < POW10.length) {
            double v = mantissa / POW10[fraction];
            return negative ? -v : v;
        }
        if (!validDecimal(s, from, to)) {
            ok[0] = false;
            return Double.NaN;
        }
        return Double.parseDouble(s.subSequence(from, to).toString());
    }

    /** ±Inf for the words Go accepts ({@code Inf}, {@code +inf}, {@code -Infinity}, any case), else NaN. */
    private static double special(CharSequence s, int from, int to) {
        int i = from;
        double sign = 1;
        char c = s.charAt(i);
        if (c == '+' || c == '-') {
            sign = c == '-' ? -1 : 1;
            i++;
        }
        int n = to - i;
        if ((n == 3 && regionIgnoreCase(s, i, "inf")) || (n == 8 && regionIgnoreCase(s, i, "infinity"))) {
            return sign * Double.POSITIVE_INFINITY;
        }
        return Double.NaN;
    }

    private static boolean regionIgnoreCase(CharSequence s, int from, String word) {
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase(s.charAt(from + k)) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?} */
    static boolean validDecimal(CharSequence s, int from, int to) {
        int i = from;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int mantissaDigits = 0;
        while (i < to && isDigit(s.charAt(i))) {
            i++;
            mantissaDigits++;
        }
        if (i < to && s.charAt(i) == '.') {
            i++;
            while (i < to && isDigit(s.charAt(i))) {
                i++;
                mantissaDigits++;
            }
        }
        if (mantissaDigits == 0) {
            return false;
        }
        if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < to && isDigit(s.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == to;
    }

    /** A 0.0.4 timestamp: optionally signed decimal int64 milliseconds; {@code ok[0] = false} otherwise. */
    static long parseMillis(CharSequence s, int from, int to, boolean[] ok) {
        ok[0] = false;
        int i = from;
        boolean negative = false;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i == to || to - i > 18) {
            return 0;
        }
        long v = 0;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return 0;
            }
            v = v * 10 + (c - '0');
        }
        ok[0] = true;
        return negative ? -v : v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
