package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code repr()} of JSON values, for error messages that vLLM builds from pydantic's
 * error lists ({@code 'input': 'abc'}, {@code True}, {@code None}).
 */
final class PyRepr {
    private PyRepr() {}

    /** {@code repr(s)}: single quotes unless the text has a single quote and no double quote. */
    static String str(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(q).toString();
    }

    /** {@code repr()} of a JSON value as Python's json module would load it. */
    static String of(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "None";
        }
        if (n.isBoolean()) {
            return n.booleanValue() ? "True" : "False";
        }
        if (n.isTextual()) {
            return str(n.textValue());
        }
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue().toString();
        }
        if (n.isNumber()) {
            double d = n.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? (long) d + ".0" : Double.toString(d);
        }
        StringBuilder sb = new StringBuilder();
        if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(of(n.get(i)));
            }
            return sb.append(']').toString();
        }
        sb.append('{');
        boolean first = true;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sb.append(first ? "" : ", ").append(str(e.getKey())).append(": ").append(of(e.getValue()));
            first = false;
        }
        return sb.append('}').toString();
    }
}
