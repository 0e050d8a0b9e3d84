package io.aiwatch.tool.loadgen.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiwatch.reader.otlp.GenAiSpans;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a traced request's span needs beyond its {@link RequestRecord}: the ids it was sent with,
 * the response's {@code model} and the choices' finish reasons (at most 8, each cut at 64
 * characters), read from the JSON the tracker parses anyway plus the chunk carrying the reason.
 */
public final class TracedFields {
    private final GenAiSpans.TraceIds ids;
    private final List<String> finishReasons = new CopyOnWriteArrayList<>();
    private volatile String responseModel;

    TracedFields(GenAiSpans.TraceIds ids) {
        this.ids = ids;
    }

    public GenAiSpans.TraceIds ids() {
        return ids;
    }

    List<String> finishReasons() {
        return List.copyOf(finishReasons);
    }

    /** The response's model, or null. */
    String responseModel() {
        return responseModel;
    }

    /** Reads the fields from one parsed chunk or body. */
    void read(JsonNode node) {
        if (responseModel == null && node.path("model").isTextual()) {
            String m = node.path("model").asText();
            responseModel = m.length() > 256 ? m.substring(0, 256) : m;
        }
        for (JsonNode ch : node.path("choices")) {
            JsonNode f = ch.path("finish_reason");
            if (f.isTextual() && finishReasons.size() < 8 && !finishReasons.contains(f.asText())) {
                finishReasons.add(f.asText().length() > 64 ? f.asText().substring(0, 64) : f.asText());
            }
        }
    }
}
