package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed reads of request fields with pydantic's lax conversions and error types (the ones vLLM's
 * request models raise): an integer field takes {@code 5}, {@code 5.0} or {@code "5"}, a boolean
 * {@code true}, {@code 1} or {@code "yes"}; anything else is a 400 {@code "Bad Request"} naming
 * the field, as FastAPI reports it.
 */
final class RequestFields {
    private final JsonNode root;

    RequestFields(JsonNode root) {
        this.root = root;
    }

    JsonNode raw(String name) {
        JsonNode n = root.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return raw(name) != null;
    }

    Integer optInt(String name) throws ApiError {
        JsonNode n = raw(name);
        return n == null ? null : toInt(n, name);
    }

    int getInt(String name, int dflt) throws ApiError {
        Integer v = optInt(name);
        return v == null ? dflt : v;
    }

    Long optLong(String name) throws ApiError {
        JsonNode n = raw(name);
        if (n == null) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        return (long) toInt(n, name);
    }

    Double optDouble(String name) throws ApiError {
        JsonNode n = raw(name);
        if (n == null) {
            return null;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.textValue().trim());
            } catch (NumberFormatException e) {
                throw ApiError.field(
                        "float_parsing",
                        name,
                        "Input should be a valid number, unable to parse string as a number",
                        PyRepr.of(n));
            }
        }
        throw ApiError.field("float_type", name, "Input should be a valid number", PyRepr.of(n));
    }

    Boolean optBool(String name) throws ApiError {
        JsonNode n = raw(name);
        return n == null ? null : toBool(n, name);
    }

    boolean getBool(String name, boolean dflt) throws ApiError {
        Boolean v = optBool(name);
        return v == null ? dflt : v;
    }

    String optString(String name) throws ApiError {
        JsonNode n = raw(name);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiError.field("string_type", name, "Input should be a valid string", PyRepr.of(n));
        }
        return n.textValue();
    }

    /** {@code str | list[str] | None}: the stop field. */
    List<String> optStrings(String name) throws ApiError {
        JsonNode n = raw(name);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isTextual()) {
            out.add(n.textValue());
            return out;
        }
        if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw ApiError.field("string_type", name, "Input should be a valid string", PyRepr.of(e));
                }
                out.add(e.textValue());
            }
            return out;
        }
        throw ApiError.field("string_type", name, "Input should be a valid string", PyRepr.of(n));
    }

    /** {@code list[int] | None}. */
    List<Integer> optInts(String name) throws ApiError {
        JsonNode n = raw(name);
        List<Integer> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw ApiError.field("list_type", name, "Input should be a valid list", PyRepr.of(n));
        }
        for (JsonNode e : n) {
            out.add(toInt(e, name));
        }
        return out;
    }

    static int toInt(JsonNode n, String name) throws ApiError {
        if (n.isIntegralNumber()) {
            if (!n.canConvertToInt()) {
                throw ApiError.field(
                        "int_parsing_size",
                        name,
                        "Unable to parse input string as an integer, exceeded maximum size",
                        PyRepr.of(n));
            }
            return n.intValue();
        }
        if (n.isNumber()) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) {
                throw ApiError.field(
                        "int_from_float",
                        name,
                        "Input should be a valid integer, got a number with a fractional part",
                        PyRepr.of(n));
            }
            return (int) d;
        }
        if (n.isTextual()) {
            try {
                return Integer.parseInt(n.textValue().trim());
            } catch (NumberFormatException e) {
                throw ApiError.field(
                        "int_parsing",
                        name,
                        "Input should be a valid integer, unable to parse string as an integer",
                        PyRepr.of(n));
            }
        }
        throw ApiError.field("int_type", name, "Input should be a valid integer", PyRepr.of(n));
    }

    static boolean toBool(JsonNode n, String name) throws ApiError {
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber() && (n.intValue() == 0 || n.intValue() == 1)) {
            return n.intValue() == 1;
        }
        if (n.isTextual()) {
            switch (n.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on", "t", "y" -> {
                    return true;
                }
                case "false", "0", "no", "off", "f", "n" -> {
                    return false;
                }
                default -> {
                    // falls through to the parsing error
                }
            }
            throw ApiError.field(
                    "bool_parsing", name, "Input should be a valid boolean, unable to interpret input", PyRepr.of(n));
        }
        throw ApiError.field("bool_type", name, "Input should be a valid boolean", PyRepr.of(n));
    }
}
