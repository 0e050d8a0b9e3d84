package io.aiwatch.reader.alert.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The common subset of Prometheus' alert templates (Go text/template): literal text and
 * {@code {{ ... }}} actions holding a pipeline of {@code $labels.NAME}, {@code .Labels.NAME},
 * {@code $value}, {@code .Value}, {@code $externalLabels.NAME}, string and number literals,
 * and the functions {@code humanize}, {@code humanizePercentage}, {@code humanizeDuration},
 * {@code printf}, {@code toUpper}, {@code toLower}. Anything else is refused when the rule loads.
 */
public final class Template {
    private static final Pattern ACTION = Pattern.compile("\\{\\{(-?)(.*?)(-?)}}", Pattern.DOTALL);
    private static final List<String> FUNCTIONS =
            List.of("humanize", "humanizePercentage", "humanizeDuration", "printf", "toUpper", "toLower");

    private final String text;
    private final List<Object> parts;

    private Template(String text, List<Object> parts) {
        this.text = text;
        this.parts = parts;
    }

    public String text() {
        return text;
    }

    /** Parses {@code text}; an IllegalArgumentException names what is not supported. */
    public static Template parse(String text) {
        List<Object> parts = new ArrayList<>();
        Matcher m = ACTION.matcher(text);
        int last = 0;
        while (m.find()) {
            String before = text.substring(last, m.start());
            if (!m.group(1).isEmpty()) {
                before = before.stripTrailing();
            }
            parts.add(before);
            parts.add(pipeline(m.group(2).trim()));
            last = m.end();
            if (!m.group(3).isEmpty()) {
                while (last < text.length() && Character.isWhitespace(text.charAt(last))) {
                    last++;
                }
            }
        }
        String rest = text.substring(last);
        if (rest.contains("{{")) {
            throw new IllegalArgumentException("unclosed '{{' in template");
        }
        parts.add(rest);
        return new Template(text, List.copyOf(parts));
    }

    private static List<List<String>> pipeline(String body) {
        List<List<String>> commands = new ArrayList<>();
        for (String cmd : splitOutsideQuotes(body, '|')) {
            List<String> words = words(cmd.trim());
            if (words.isEmpty()) {
                throw new IllegalArgumentException("empty command in template action '{{" + body + "}}'");
            }
            String head = words.get(0);
            if (!FUNCTIONS.contains(head) && !isOperand(head)) {
                throw new IllegalArgumentException("template action '{{" + body + "}}' uses '" + head
                        + "', which is not supported (supported: $labels.x, $value, " + String.join(", ", FUNCTIONS)
                        + ")");
            }
            for (String w : words.subList(1, words.size())) {
                if (!isOperand(w)) {
                    throw new IllegalArgumentException("template argument '" + w + "' is not supported");
                }
            }
            commands.add(words);
        }
        return commands;
    }

    private static boolean isOperand(String w) {
        return w.equals("$value")
                || w.equals(".Value")
                || w.matches("(\\$labels|\\.Labels|\\$externalLabels)\\.[a-zA-Z_][a-zA-Z0-9_]*")
                || w.startsWith("\"")
                || w.startsWith("`")
                || w.matches("-?[0-9.]+([eE][-+]?[0-9]+)?");
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '`') {
                quote = c;
            } else if (c == sep) {
                out.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : splitOutsideQuotes(s, ' ')) {
            if (!w.isBlank()) {
                out.add(w.trim());
            }
        }
        return out;
    }

    /** Expands the template for one alert: {@code labels} are the query result's labels, {@code value} its value. */
    public String expand(Map<String, String> labels, double value, Map<String, String> externalLabels) {
        StringBuilder sb = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String s) {
                sb.append(s);
            } else {
                @SuppressWarnings("unchecked")
                List<List<String>> pipe = (List<List<String>>) part;
                Object v = null;
                boolean first = true;
                for (List<String> cmd : pipe) {
                    List<Object> args = new ArrayList<>();
                    for (String w : cmd.subList(FUNCTIONS.contains(cmd.get(0)) ? 1 : 0, cmd.size())) {
                        args.add(operand(w, labels, value, externalLabels));
                    }
                    if (!first) {
                        args.add(v);
                    }
                    v = FUNCTIONS.contains(cmd.get(0)) ? TemplateFunctions.apply(cmd.get(0), args) : args.get(0);
                    first = false;
                }
                sb.append(TemplateFunctions.print(v));
            }
        }
        return sb.toString();
    }

    private static Object operand(String w, Map<String, String> labels, double value, Map<String, String> external) {
        if (w.equals("$value") || w.equals(".Value")) {
            return value;
        }
        if (w.startsWith("$labels.") || w.startsWith(".Labels.")) {
            return labels.getOrDefault(w.substring(w.indexOf('.', 1) + 1), "");
        }
        if (w.startsWith("$externalLabels.")) {
            return external.getOrDefault(w.substring("$externalLabels.".length()), "");
        }
        if (w.startsWith("\"") || w.startsWith("`")) {
            return w.substring(1, w.length() - 1).replace("\\\"", "\"").replace("\\n", "\n");
        }
        return Double.parseDouble(w);
    }
}
