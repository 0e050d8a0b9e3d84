package io.aiwatch.tool.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the {@link StreamMeter} needs from one OpenAI JSON document (an SSE {@code data:}
 * payload, or a whole non-streamed body) with Jackson's streaming parser: no tree is built and
 * fields nobody asked for are skipped. It runs once per token on the proxy's forward loop and the
 * load generator's I/O thread, where a tree cost 5–7 µs per chunk. Semantics follow the tree
 * reading it replaced ({@code ChunkReaderTest} checks them on mutated input): a document that is not
 * JSON is bad; JSON that is not an object is ignored. One instance is reused for every document of a
 * stream (not thread-safe).
 */
final class ChunkReader {
    /** What {@link #read} found. */
    enum Kind {
        /** Not JSON (or truncated JSON). */
        BAD,
        /** JSON, but not an object: nothing to read. */
        IGNORED,
        /** An object: the fields below are set. */
        OBJECT
    }

    private final JsonFactory json;
    private final boolean wantText;

    /** Elements of {@code choices}; -1 when there is no {@code choices} array. */
    int choices;
    /** The first choice's {@code delta.content} (chat) or {@code text} (completions) is non-empty. */
    boolean firstHasText;
    /** Top-level {@code model} when a string, else null; read only while {@code wantModel}. */
    String model;
    /** String {@code finish_reason}s of the choices, in order. */
    final List<String> finishReasons = new ArrayList<>(1);
    /** {@code usage.prompt_tokens} / {@code usage.completion_tokens}; -1 when absent or not an int. */
    int usagePrompt;

    int usageCompletion;
    /**
     * An error the server reported in the document: a non-null {@code error} (its {@code message}
     * when an object has one), or {@code message} of an object whose {@code object} is
     * {@code "error"} (vLLM's in-stream error event); null when none.
     */
    String error;
    /** The generated text of all choices ({@code text}, else {@code delta.content}, else {@code message.content}); only with wantText. */
    final StringBuilder text = new StringBuilder();
    /** Why the last document was {@link Kind#BAD}. */
    String badReason;

    /** The error is an object's JSON (it had no message). */
    boolean errorIsJson;

    private String topMessage;
    private boolean objectIsError;
    private byte[] doc;
    private int docOff;

    /** @param wantText whether {@link #text} is collected (costs a String per chunk) */
    ChunkReader(JsonFactory json, boolean wantText) {
        this.json = json;
        this.wantText = wantText;
    }

    /** Reads {@code b[off..off+len)}; {@code wantModel} asks for the top-level {@code model}. */
    Kind read(byte[] b, int off, int len, boolean wantModel) {
        choices = -1;
        firstHasText = false;
        model = null;
        finishReasons.clear();
        usagePrompt = -1;
        usageCompletion = -1;
        error = null;
        errorIsJson = false;
        text.setLength(0);
        topMessage = null;
        objectIsError = false;
        doc = b;
        docOff = off;
        try (JsonParser p = json.createParser(b, off, len)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                if (t != null) {
                    p.skipChildren();
                    p.finishToken(); // a scalar's text is read lazily: a truncated one must fail here
                }
                return Kind.IGNORED;
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "choices" -> readChoices(p, v);
                    case "usage" -> readUsage(p, v);
                    case "model" -> {
                        model = wantModel && v == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    case "error" -> readError(p, v);
                    case "object" -> {
                        objectIsError =
                                v == JsonToken.VALUE_STRING && p.getText().equals("error");
                        p.skipChildren();
                    }
                    case "message" -> {
                        topMessage = v == JsonToken.VALUE_NULL ? null : scalarText(p, v);
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IOException("truncated");
            }
            if (error == null && objectIsError) {
                error = topMessage != null ? topMessage : "error event";
            }
            return Kind.OBJECT;
        } catch (IOException | RuntimeException e) {
            badReason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return Kind.BAD;
        }
    }

    private void readChoices(JsonParser p, JsonToken v) throws IOException {
        finishReasons.clear();
        if (wantText) {
            text.setLength(0);
        }
        if (v != JsonToken.START_ARRAY) {
            choices = -1;
            p.skipChildren();
            return;
        }
        choices = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IOException("truncated");
            }
            boolean first = choices == 0;
            choices++;
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                if (first) {
                    firstHasText = false;
                }
                continue;
            }
            readChoice(p, first);
        }
    }

    /** One choice object; the parser is on its START_OBJECT. */
    private void readChoice(JsonParser p, boolean first) throws IOException {
        boolean hasDelta = false;
        boolean deltaText = false;
        boolean textText = false;
        // for wantText: text present (even null), its string; delta.content present, its string; message.content
        boolean hasTextField = false;
        String textValue = null;
        boolean hasDeltaContent = false;
        String deltaContent = null;
        String messageContent = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken fv = p.nextToken();
            switch (name) {
                case "delta" -> {
                    hasDelta = true;
                    deltaText = false;
                    hasDeltaContent = false;
                    deltaContent = null;
                    if (fv == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String dn = p.currentName();
                            JsonToken dv = p.nextToken();
                            if (dn.equals("content")) {
                                deltaText = scalarLength(p, dv) > 0;
                                hasDeltaContent = true;
                                deltaContent = wantText && dv == JsonToken.VALUE_STRING ? p.getText() : null;
                                p.skipChildren();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "text" -> {
                    textText = scalarLength(p, fv) > 0;
                    hasTextField = true;
                    textValue = wantText && fv == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "finish_reason" -> {
                    if (fv == JsonToken.VALUE_STRING) {
                        finishReasons.add(p.getText());
                    }
                    p.skipChildren();
                }
                case "message" -> {
                    if (wantText && fv == JsonToken.START_OBJECT) {
                        messageContent = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String mn = p.currentName();
                            JsonToken mv = p.nextToken();
                            if (mn.equals("content")) {
                                messageContent = mv == JsonToken.VALUE_STRING ? p.getText() : null;
                            }
                            p.skipChildren();
                        }
                    } else {
                        messageContent = null;
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (first) {
            firstHasText = hasDelta ? deltaText : textText;
        }
        if (wantText) {
            // the tree reading: text if present, else delta.content, and message.content only when neither is there
            String t = hasTextField ? textValue : hasDeltaContent ? deltaContent : messageContent;
            if (t != null) {
                text.append(t);
            }
        }
    }

    private void readUsage(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken uv = p.nextToken();
            if (name.equals("prompt_tokens")) {
                int n = intValue(p, uv);
                usagePrompt = n >= 0 ? n : usagePrompt;
            } else if (name.equals("completion_tokens")) {
                int n = intValue(p, uv);
                usageCompletion = n >= 0 ? n : usageCompletion;
            } else {
                p.skipChildren();
            }
        }
    }

    /**
     * The {@code error} member as the tree reading took it: null for JSON null; an object's
     * {@code message} (its JSON, as sent, when it has none); "" for an array; a scalar's text.
     */
    private void readError(JsonParser p, JsonToken v) throws IOException {
        errorIsJson = false;
        if (v == JsonToken.VALUE_NULL) {
            error = null;
            return;
        }
        if (v == JsonToken.START_OBJECT) {
            long from = p.currentTokenLocation().getByteOffset();
            String message = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken ev = p.nextToken();
                if (name.equals("message")) {
                    message = ev == JsonToken.VALUE_NULL ? null : scalarText(p, ev);
                }
                p.skipChildren();
            }
            long to = p.currentLocation().getByteOffset();
            errorIsJson = message == null;
            error = message != null
                    ? message
                    : new String(doc, docOff + (int) from, (int) (to - from), StandardCharsets.UTF_8);
            return;
        }
        error = scalarText(p, v);
        p.skipChildren();
    }

    /**
     * A value's text as the tree's {@code asText()} gives it: strings and booleans as they are,
     * numbers in Java's notation, "" for objects and arrays (skipped).
     */
    private static String scalarText(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING, VALUE_TRUE, VALUE_FALSE -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue().toString();
            case VALUE_NULL -> "null";
            default -> {
                p.skipChildren();
                yield "";
            }
        };
    }

    /** A number that fits an int (fractions truncated, as the tree's asInt did), else -1. */
    private static int intValue(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (d >= 0 && d <= Integer.MAX_VALUE) {
                return v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : (int) d;
            }
            return -1;
        }
        p.skipChildren();
        return -1;
    }

    /** Length of a scalar's text, without making a String (0 for null, objects and arrays). */
    private static int scalarLength(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING
                || v == JsonToken.VALUE_NUMBER_INT
                || v == JsonToken.VALUE_NUMBER_FLOAT
                || v == JsonToken.VALUE_TRUE
                || v == JsonToken.VALUE_FALSE) {
            return p.getTextLength();
        }
        return 0;
    }
}
