package io.aiwatch.tool.proxy;

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
class SseEventTest {
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
                    ? u.get("prompt_tokens").asInt()
                    : null;
            completion = u.path("completion_tokens").canConvertToInt()
                    ? u.get("completion_tokens").asInt()
                    : null;
        }
        sb.append("usage=").append(prompt).append('/').append(completion);
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

    /** The same, read by {@link SseEvent}. */
    static String streaming(String payload) {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        SseEvent e = SseEvent.parse(JSON, b, 0, b.length);
        if (e == null) {
            return "bad";
        }
        StringBuilder sb =
                new StringBuilder("usage=").append(e.usagePrompt).append('/').append(e.usageCompletion);
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
            "{\"choices\":[{\"delta\":{\"content\":true}}]}");

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
