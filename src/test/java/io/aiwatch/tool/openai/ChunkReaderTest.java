package io.aiwatch.tool.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming reading of an SSE payload agrees with the tree reading it replaced, on any input. */
class ChunkReaderTest {
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final JsonFactory JSON = new JsonFactory();

    /** What the meter takes from a payload, read the old way (Jackson tree). */
    static String reference(String payload) {
        JsonNode root;
        try {
            root = TREE.readTree(payload);
        } catch (IOException e) {
            return "bad";
        }
        StringBuilder sb = new StringBuilder();
        JsonNode u = root == null ? null : root.get("usage");
        Integer prompt = null;
        Integer completion = null;
        if (u != null && u.isObject()) {
            prompt = u.path("prompt_tokens").canConvertToInt()
                            && u.get("prompt_tokens").asInt() >= 0
                    ? u.get("prompt_tokens").asInt()
                    : null;
            completion = u.path("completion_tokens").canConvertToInt()
                            && u.get("completion_tokens").asInt() >= 0
                    ? u.get("completion_tokens").asInt()
                    : null;
        }
        sb.append("usage=").append(prompt).append('/').append(completion);
        sb.append(" error=").append(root == null ? null : errorOf(root));
        sb.append(" text=").append(root == null ? "" : textOf(root));
        JsonNode choices = root == null ? null : root.path("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            return sb.append(" no-choices").toString();
        }
        String model = root.path("model").isTextual() ? root.path("model").asText() : null;
        List<String> reasons = new ArrayList<>();
        for (JsonNode c : choices) {
            if (c.path("finish_reason").isTextual()) {
                reasons.add(c.path("finish_reason").asText());
            }
        }
        JsonNode c0 = choices.get(0);
        String text = c0.has("delta")
                ? c0.path("delta").path("content").asText("")
                : c0.path("text").asText("");
        return sb.append(" choices model=")
                .append(model)
                .append(" reasons=")
                .append(reasons)
                .append(" text=")
                .append(!text.isEmpty())
                .toString();
    }

    /** The load generator's tree reading of an error: the message, the object's JSON, or the object=error event's. */
    static String errorOf(JsonNode node) {
        JsonNode err = node.get("error");
        if (err != null && !err.isNull()) {
            if (err.isObject()) {
                JsonNode m = err.path("message");
                return m.isMissingNode() || m.isNull() ? "<json>" : m.asText();
            }
            return err.asText();
        }
        if ("error".equals(node.path("object").asText())) {
            return node.path("message").asText("error event");
        }
        return null;
    }

    /** The load generator's tree reading of the generated text of all choices. */
    static String textOf(JsonNode node) {
        StringBuilder text = new StringBuilder();
        if (!node.path("choices").isArray()) {
            return "";
        }
        for (JsonNode ch : node.path("choices")) {
            JsonNode t = ch.has("text") ? ch.get("text") : ch.path("delta").get("content");
            if (t == null) {
                t = ch.path("message").get("content");
            }
            if (t != null && t.isTextual()) {
                text.append(t.asText());
            }
        }
        return text.toString();
    }

    /** The same, read by {@link ChunkReader}. */
    static String streaming(String payload) {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        ChunkReader e = new ChunkReader(JSON, true);
        if (e.read(b, 0, b.length, true) == ChunkReader.Kind.BAD) {
            return "bad";
        }
        StringBuilder sb = new StringBuilder("usage=")
                .append(e.usagePrompt < 0 ? null : e.usagePrompt)
                .append('/')
                .append(e.usageCompletion < 0 ? null : e.usageCompletion);
        sb.append(" error=").append(e.errorIsJson ? "<json>" : e.error);
        sb.append(" text=").append(e.text);
        if (e.choices <= 0) {
            return sb.append(" no-choices").toString();
        }
        return sb.append(" choices model=")
                .append(e.model)
                .append(" reasons=")
                .append(e.finishReasons)
                .append(" text=")
                .append(e.firstHasText)
                .toString();
    }

    static final List<String> SAMPLES = List.of(
            "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\" a\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null}]}",
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" hi\"},\"finish_reason\":\"length\"},{\"index\":1,\"delta\":{},\"finish_reason\":\"stop\"}]}",
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"total_tokens\":10,\"completion_tokens\":3}}",
            "{\"choices\":[{\"delta\":null,\"text\":\"x\"}],\"usage\":{\"prompt_tokens\":1.9,\"completion_tokens\":\"3\"}}",
            "{\"choices\":[{\"text\":5}],\"usage\":{\"prompt_tokens\":99999999999,\"completion_tokens\":null}}",
            "{\"choices\":[{\"text\":{\"a\":[1,2]}},{\"finish_reason\":7}],\"model\":3}",
            "{\"choices\":[\"x\",{\"text\":\"y\"}],\"usage\":[]}",
            "{\"choices\":{\"text\":\"y\"},\"usage\":{}}",
            "[{\"choices\":[{\"text\":\"y\"}]}]",
            "\"text\"",
            "42",
            "",
            "   ",
            "{}",
            "{\"choices\":[{\"delta\":{\"content\":true}}]}",
            "{\"object\":\"error\",\"message\":\"KV cache full\",\"type\":\"x\",\"code\":500}",
            "{\"object\":\"error\",\"message\":12.5}",
            "{\"error\":{\"message\":\"bad\",\"type\":\"x\"},\"choices\":[]}",
            "{\"error\":{\"code\":5,\"message\":null}}",
            "{\"error\":\"oops\",\"error\":null}",
            "{\"error\":[1],\"message\":\"m\"}",
            "{\"error\":null,\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}]}",
            "{\"choices\":[{\"text\":\"a\"},{\"delta\":{\"content\":\"b\"}},{\"message\":{\"content\":\"c\"}},"
                    + "{\"text\":null,\"message\":{\"content\":\"d\"}},{\"delta\":null,\"message\":{\"content\":\"e\"}}]}");

    @Test
    void agreesWithTheTreeReadingOnSamplesAndTheirMutations() {
        Random rnd = new Random(11);
        String alphabet = "{}[]\":,0123456789.-e nulltrx\\";
        int checked = 0;
        for (String s : SAMPLES) {
            assertThat(streaming(s)).as(s).isEqualTo(reference(s));
            for (int k = 0; k < 400; k++) {
                StringBuilder m = new StringBuilder(s);
                for (int edits = 1 + rnd.nextInt(3); edits > 0; edits--) {
                    int at = m.length() == 0 ? 0 : rnd.nextInt(m.length());
                    switch (rnd.nextInt(3)) {
                        case 0 -> m.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                        case 1 -> {
                            if (m.length() > 0) {
                                m.deleteCharAt(at);
                            }
                        }
                        default -> m.setLength(at); // truncated
                    }
                }
                String mutated = m.toString();
                assertThat(streaming(mutated)).as(mutated).isEqualTo(reference(mutated));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(SAMPLES.size() * 400);
    }
}
