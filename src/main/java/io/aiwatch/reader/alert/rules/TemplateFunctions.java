package io.aiwatch.reader.alert.rules;

import io.aiwatch.reader.alert.promql.Functions;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/** Template functions and Go-compatible number printing ({@code %v} and {@code %.4g} of a float64). */
final class TemplateFunctions {
    private TemplateFunctions() {}

    static Object apply(String fn, List<Object> args) {
        switch (fn) {
            case "humanize":
                return humanize(num(args.get(0)));
            case "humanizePercentage":
                return goG(num(args.get(0)) * 100, 4) + "%";
            case "humanizeDuration":
                return humanizeDuration(num(args.get(0)));
            case "toUpper":
                return String.valueOf(print(args.get(0))).toUpperCase(Locale.ROOT);
            case "toLower":
                return String.valueOf(print(args.get(0))).toLowerCase(Locale.ROOT);
            case "printf":
                return printf(String.valueOf(args.get(0)), args.subList(1, args.size()));
            default:
                throw new IllegalArgumentException(fn);
        }
    }

    private static double num(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        try {
            return Functions.parseFloat(String.valueOf(o));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String print(Object v) {
        return v instanceof Double d ? goFloat(d) : String.valueOf(v);
    }

    static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return goG(v, 4);
        }
        String[] big = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
        String[] small = {"", "m", "u", "n", "p", "f", "a", "z", "y"};
        int i = 0;
        if (Math.abs(v) >= 1) {
            while (Math.abs(v) >= 1000 && i < big.length - 1) {
                v /= 1000;
                i++;
            }
            return goG(v, 4) + big[i];
        }
        while (Math.abs(v) < 1 && i < small.length - 1) {
            v *= 1000;
            i++;
        }
        return goG(v, 4) + small[i];
    }

    static String humanizeDuration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return goG(v, 4);
        }
        if (Math.abs(v) < 1) {
            if (v == 0) {
                return "0s";
            }
            return Math.abs(v) >= 1e-3 ? goG(v * 1e3, 4) + "ms" : goG(v * 1e6, 4) + "us";
        }
        String sign = v < 0 ? "-" : "";
        v = Math.abs(v);
        long secs = (long) v;
        long days = secs / 86400;
        long hours = secs / 3600 % 24;
        long minutes = secs / 60 % 60;
        double seconds = v % 60;
        if (days != 0) {
            return String.format(Locale.ROOT, "%s%dd %dh %dm %ds", sign, days, hours, minutes, (long) seconds);
        }
        if (hours != 0) {
            return String.format(Locale.ROOT, "%s%dh %dm %ds", sign, hours, minutes, (long) seconds);
        }
        if (minutes != 0) {
            return String.format(Locale.ROOT, "%s%dm %ds", sign, minutes, (long) seconds);
        }
        return sign + goG(seconds, 4) + "s";
    }

    private static String printf(String format, List<Object> args) {
        StringBuilder sb = new StringBuilder();
        int a = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                sb.append(c);
                continue;
            }
            int j = i + 1;
            while (j < format.length() && "0123456789.-+ ".indexOf(format.charAt(j)) >= 0) {
                j++;
            }
            if (j >= format.length()) {
                sb.append(format, i, j);
                break;
            }
            char verb = format.charAt(j);
            String flags = format.substring(i + 1, j);
            i = j;
            if (verb == '%') {
                sb.append('%');
                continue;
            }
            Object arg = a < args.size() ? args.get(a++) : null;
            switch (verb) {
                case 'f' -> sb.append(goFixed(num(arg), flags));
                case 'e' -> sb.append(String.format(Locale.ROOT, "%" + flags + verb, num(arg)));
                case 'd' ->
                    sb.append(arg instanceof Double d ? "%!d(float64=" + goFloat(d) + ")" : String.valueOf(arg));
                case 'g' ->
                    sb.append(goG(
                            num(arg),
                            flags.contains(".") ? Integer.parseInt(flags.substring(flags.indexOf('.') + 1)) : -1));
                default -> sb.append(print(arg));
            }
        }
        return sb.toString();
    }

    /** Go's {@code %.Nf}: rounds the exact binary value half-to-even (Java's Formatter rounds its decimal string half-up). */
    static String goFixed(double v, String flags) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return goG(v, -1);
        }
        int dot = flags.indexOf('.');
        int scale = dot < 0 ? 6 : Integer.parseInt(flags.substring(dot + 1).isEmpty() ? "0" : flags.substring(dot + 1));
        String text = new BigDecimal(v)
                .setScale(scale, java.math.RoundingMode.HALF_EVEN)
                .toPlainString();
        int width = dot <= 0
                ? 0
                : Integer.parseInt(
                        flags.substring(0, dot).replaceAll("[^0-9]", "").isEmpty()
                                ? "0"
                                : flags.substring(0, dot).replaceAll("[^0-9]", ""));
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }

    /** Go's {@code %v} of a float64 ({@code strconv.FormatFloat(v, 'g', -1, 64)}). */
    static String goFloat(double v) {
        return goG(v, -1);
    }

    /** Go's {@code %g} with {@code prec} significant digits, or the shortest exact form when prec is -1. */
    static String goG(double v, int prec) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v)));
        if (prec > 0) {
            d = d.round(new java.math.MathContext(prec, java.math.RoundingMode.HALF_EVEN));
        }
        d = d.stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - d.scale() - 1;
        int eprec = prec < 0 ? 6 : (prec > digits.length() && digits.length() >= exp + 1 ? digits.length() : prec);
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= eprec) {
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            String e = String.valueOf(Math.abs(exp));
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return sign + d.toPlainString();
    }
}
