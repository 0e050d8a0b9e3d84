package io.aiwatch.tool.loadgen.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.tool.loadgen.record.Outcome;
import io.aiwatch.tool.loadgen.record.RequestRecord;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ResponseTrackerTest {
    private final AtomicReference<RequestRecord> out = new AtomicReference<>();

    private ResponseTracker tracker(boolean stream) {
        return new ResponseTracker(3, 0, 1000, stream, false, 11, () -> 0, (t, r) -> out.set(r));
    }

    private static void feed(ResponseTracker t, String s, long now) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        t.bytes(b, 0, b.length, now);
    }

    @Test
    void eventsSplitAcrossReadsAreTimedWhenTheyComplete() {
        ResponseTracker t = tracker(true);
        t.status(200);
        feed(t, ": ping\n\ndata: {\"choices\":[{\"text\":\"\"}]}\n", 5000);
        feed(t, "\ndata: {\"choices\":[{\"text\":\"a\"}]}\r\n\r\ndata: {\"choi", 9000);
        feed(t, "ces\": [ {\"text\":\"b\"}]}\n\n", 15000);
        feed(t, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}\n\n", 20000);
        feed(t, "data: [DONE]\n\n", 21000);
        t.end(21000);
        RequestRecord r = out.get();
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(r.firstTokenNanos()).isEqualTo(9000); // the first token chunk completed in the second read
        assertThat(r.itlNanos()).containsExactly(0, 6000); // two chunks in one read share a timestamp
        assertThat(r.lastTokenNanos()).isEqualTo(15000); // the usage-only chunk does not extend latency
        assertThat(r.outputTokens()).isEqualTo(3);
        assertThat(r.promptTokens()).isEqualTo(12);
        assertThat(r.usageReported()).isTrue();
    }

    @Test
    void everySseLineEndingGivesTheSameRecord() {
        for (String eol : new String[] {"\n", "\r\n", "\r"}) {
            ResponseTracker t = tracker(true);
            t.status(200);
            String e = eol + eol;
            feed(t, "data: {\"choices\":[{\"text\":\"a\"}]}" + e, 10);
            feed(t, "data: {\"choices\":[{\"text\":\"b\"}]}" + e + "data: {\"choices\":[],", 30);
            feed(t, "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2}}" + e + "data: [DONE]" + e, 45);
            t.end(45);
            RequestRecord r = out.get();
            assertThat(r.outcome())
                    .as(eol.replace("\r", "CR").replace("\n", "LF"))
                    .isEqualTo(Outcome.OK);
            assertThat(r.itlNanos()).containsExactly(20);
            assertThat(r.outputTokens()).isEqualTo(2);
            assertThat(r.promptTokens()).isEqualTo(4);
        }
    }

    @Test
    void anErrorBodyIsQuotedInTheRecord() {
        ResponseTracker t = tracker(true);
        t.status(503);
        feed(t, "{\"object\":\"error\",\n\"message\":\"overloaded\"}", 10);
        t.end(10);
        assertThat(out.get().outcome()).isEqualTo(Outcome.HTTP_5XX);
        assertThat(out.get().error()).isEqualTo("HTTP 503: {\"object\":\"error\", \"message\":\"overloaded\"}");
    }

    @Test
    void withoutUsageTheTokenChunksAreCountedAndTheDatasetLengthKept() {
        ResponseTracker t = tracker(true);
        t.status(200);
        feed(
                t,
                "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"choices\":[{\"text\":\"b\"}]}\n\ndata: [DONE]\n\n",
                10);
        t.end(10);
        assertThat(out.get().outputTokens()).isEqualTo(2);
        assertThat(out.get().promptTokens()).isEqualTo(11);
        assertThat(out.get().usageReported()).isFalse();
    }

    @Test
    void vllmErrorObjectsInTheStreamFailTheRequest() {
        ResponseTracker t = tracker(true);
        t.status(200);
        feed(
                t,
                "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"object\":\"error\",\"message\":\"KV cache full\"}\n\n"
                        + "data: [DONE]\n\n",
                10);
        t.end(10);
        assertThat(out.get().outcome()).isEqualTo(Outcome.STREAM_ERROR);
        assertThat(out.get().error()).isEqualTo("KV cache full");
    }

    @Test
    void textThatMentionsErrorIsNotAnError() {
        ResponseTracker t = tracker(true);
        t.status(200);
        feed(t, "data: {\"choices\":[{\"text\":\"the \\\"error\\\" was\"}]}\n\ndata: [DONE]\n\n", 10);
        t.end(10);
        assertThat(out.get().outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void aNonStreamedResponseWithoutChoicesHasNoTokens() {
        ResponseTracker t = tracker(false);
        t.status(200);
        feed(t, "{\"id\":\"x\",\"choices\":[]}", 10);
        t.end(10);
        assertThat(out.get().outcome()).isEqualTo(Outcome.NO_TOKENS);
    }

    @Test
    void theFirstEndWinsAndLaterFailuresAreIgnored() {
        ResponseTracker t = tracker(true);
        t.fail(Outcome.TIMEOUT, "slow");
        t.status(200);
        feed(t, "data: [DONE]\n\n", 10);
        t.end(10);
        assertThat(out.get().outcome()).isEqualTo(Outcome.TIMEOUT);
    }
}
