package io.aiwatch.tool.vllmsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * vLLM's {@code POST /tokenize} (a prompt, or chat messages rendered through the simulator's
 * template) and {@code POST /detokenize}, with the simulator's tokenizer: {@code count} equals the
 * {@code prompt_tokens} a completions or chat request with the same input reports.
 */
final class TokenizeHandler {
    private final SimulatorConfig config;
    private final SimVocabulary vocabulary;
    private final ObjectMapper json = new ObjectMapper();

    TokenizeHandler(SimulatorConfig config, SimVocabulary vocabulary) {
        this.config = config;
        this.vocabulary = vocabulary;
    }

    void tokenize(Context ctx) {
        try {
            JsonNode root = body(ctx);
            RequestFields f = new RequestFields(root);
            checkModel(f);
            List<Integer> tokens = new ArrayList<>();
            if (root.has("messages")) {
                JsonNode messages = f.raw("messages");
                if (messages == null || !messages.isArray()) {
                    throw ApiError.field("list_type", "messages", "Input should be a valid list", PyRepr.of(messages));
                }
                for (JsonNode m : messages) {
                    tokens.add(SimVocabulary.templateId(0));
                    tokens.add(SimVocabulary.templateId(1));
                    tokens.add(SimVocabulary.templateId(2));
                    tokens.addAll(vocabulary.encode(OpenAiRequest.messageText(m.get("content"))));
                    tokens.add(SimVocabulary.templateId(3));
                }
                if (f.getBool("add_generation_prompt", true)) {
                    tokens.add(SimVocabulary.templateId(0));
                    tokens.add(SimVocabulary.templateId(4));
                    tokens.add(SimVocabulary.templateId(2));
                }
            } else {
                String prompt = f.optString("prompt");
                if (prompt == null) {
                    throw ApiError.field("missing", "prompt", "Field required", PyRepr.of(root));
                }
                tokens.addAll(vocabulary.encode(prompt));
            }
            StringBuilder sb = new StringBuilder("{\"count\":")
                    .append(tokens.size())
                    .append(",\"max_model_len\":")
                    .append(config.maxModelLen())
                    .append(",\"tokens\":[");
            for (int i = 0; i < tokens.size(); i++) {
                sb.append(i > 0 ? "," : "").append(tokens.get(i));
            }
            sb.append("],\"token_strs\":");
            if (f.getBool("return_token_strs", false)) {
                sb.append('[');
                for (int i = 0; i < tokens.size(); i++) {
                    OpenAiJson.str(sb.append(i > 0 ? "," : ""), vocabulary.piece(tokens.get(i), true));
                }
                sb.append(']');
            } else {
                sb.append("null");
            }
            ctx.contentType("application/json").result(sb.append('}').toString());
        } catch (ApiError e) {
            CompletionHandler.error(ctx, e);
        }
    }

    void detokenize(Context ctx) {
        try {
            JsonNode root = body(ctx);
            RequestFields f = new RequestFields(root);
            checkModel(f);
            JsonNode t = f.raw("tokens");
            if (t == null) {
                throw ApiError.field("missing", "tokens", "Field required", PyRepr.of(root));
            }
            List<Integer> ids = new ArrayList<>();
            for (int id : f.optInts("tokens")) {
                if (id < 0) {
                    throw ApiError.field(
                            "greater_than_equal", "tokens", "Input should be greater than or equal to 0", "" + id);
                }
                ids.add(id);
            }
            StringBuilder sb = new StringBuilder("{\"prompt\":");
            OpenAiJson.str(sb, vocabulary.decode(ids));
            ctx.contentType("application/json").result(sb.append('}').toString());
        } catch (ApiError e) {
            CompletionHandler.error(ctx, e);
        }
    }

    private JsonNode body(Context ctx) throws ApiError {
        String ct = ctx.header("Content-Type");
        String media = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw ApiError.validation("[\"Unsupported Media Type: Only 'application/json' is allowed\"]", null);
        }
        try {
            JsonNode root = json.readTree(ctx.bodyAsBytes());
            if (root == null || !root.isObject()) {
                throw ApiError.validation(
                        "[{'type': 'model_attributes_type', 'loc': ('body',), 'msg': 'Input should be a valid"
                                + " dictionary or object to extract fields from', 'input': " + PyRepr.of(root) + "}]",
                        null);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw ApiError.validation(
                    "[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'input': {}, 'ctx':"
                            + " {'error': " + PyRepr.str(e.getOriginalMessage()) + "}}]",
                    null);
        } catch (IOException e) {
            throw ApiError.valueError("request body could not be read: " + e.getMessage());
        }
    }

    private void checkModel(RequestFields f) throws ApiError {
        String model = f.optString("model");
        if (model != null && !model.isEmpty() && !model.equals(config.model())) {
            throw ApiError.notFoundModel(model);
        }
    }
}
