package io.aiwatch.tool.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SSE meter must count the same whatever the line endings and however the bytes are split. */
class StreamMeterTest {
    private static String stream(String eol) {
        String e = eol + eol;
        return ": keep-alive comment" + e
                + "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\" a\",\"finish_reason\":null}]}" + e
                + "event: message" + eol
                + "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":null}]}" + e
                + "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" b\"},\"finish_reason\":\"length\"}]}"
                + e
                + "data: {\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}"
                + e
                + "data: [DONE]" + e;
    }

    private static StreamMeter feedInPieces(byte[] bytes, Random rnd) {
        StreamMeter m = new StreamMeter(true, 1 << 20, false);
        int i = 0;
        long t = 1;
        while (i < bytes.length) {
            int n = rnd == null ? bytes.length : 1 + rnd.nextInt(Math.min(40, bytes.length - i));
            m.feed(bytes, i, n, t++);
            i += n;
        }
        m.finish(t);
        return m;
    }

    @Test
    void countsAreTheSameForEveryLineEndingAndEverySplit() {
        for (String eol : new String[] {"\n", "\r\n", "\r"}) {
            byte[] bytes = stream(eol).getBytes(StandardCharsets.UTF_8);
            StreamMeter whole = feedInPieces(bytes, null);
            assertThat(whole.tokenChunks())
                    .as("token chunks with %s", eol.replace("\r", "CR").replace("\n", "LF"))
                    .isEqualTo(3);
            assertThat(whole.contentChunks()).isEqualTo(2);
            assertThat(whole.usagePrompt()).isEqualTo(7);
            assertThat(whole.usageCompletion()).isEqualTo(3);
            assertThat(whole.sawDone()).isTrue();
            assertThat(whole.badEvents()).isZero();
            assertThat(whole.finishReasons()).containsExactly("length");
            Random rnd = new Random(7);
            for (int trial = 0; trial < 200; trial++) {
                StreamMeter split = feedInPieces(bytes, rnd);
                assertThat(split.tokenChunks()).isEqualTo(whole.tokenChunks());
                assertThat(split.contentChunks()).isEqualTo(whole.contentChunks());
                assertThat(split.usageCompletion()).isEqualTo(whole.usageCompletion());
                assertThat(split.badEvents()).isZero();
                assertThat(split.gapNanos()).hasSize(2);
            }
        }
    }
}
