package io.aiwatch.tool.vllmsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The known effects of speculative decoding and prefix caching, on the engine over simulated time:
 * drafts lower the time per output token at low load and stop paying off as batches fill; prefix
 * hits skip prefill and lower TTFT; both are counted under vLLM's metric names.
 */
class SpecDecodeAndPrefixCacheTest {

    /** Records every token count the engine reports and the simulated times. */
    static final class Sink implements TokenSink {
        final List<Double> times = new ArrayList<>();
        final List<Integer> counts = new ArrayList<>();
        TokenSink.Completion completion;
        double now;

        @Override
        public void onToken(int generated) {
            times.add(now);
            counts.add(generated);
        }

        @Override
        public void onFinished(Completion c) {
            completion = c;
        }
    }

    private static SimulatorConfig config(int specTokens, double alpha, boolean prefix) {
        return SimulatorConfig.defaults()
                .withEngine(256, 65536, 8192)
                .withTiming(10_000, 10.0, 0.08)
                .withFeatures(specTokens, alpha, 1.0, prefix);
    }

    private static List<Sink> submit(Engine e, int count, int prompt, int output, long[] hashes) {
        List<Sink> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Sink s = new Sink();
            SimRequest r = new SimRequest(i + 1, prompt, output, "length", output, s, 1000 + i, hashes);
            r.arrival = 0;
            e.add(r);
            out.add(s);
        }
        return out;
    }

    private static double run(Engine e, List<Sink> sinks, double t) {
        while (!e.idle()) {
            Engine.Step s = e.plan(t);
            t += s.duration();
            for (Sink k : sinks) {
                k.now = t;
            }
            e.complete(s, t);
        }
        return t;
    }

    /** Mean simulated seconds per output token after the first, over all requests. */
    private static double tpot(List<Sink> sinks) {
        double sum = 0;
        for (Sink s : sinks) {
            sum += (s.times.get(s.times.size() - 1) - s.times.get(0)) / (s.completion.completionTokens() - 1);
        }
        return sum / sinks.size();
    }

    private static double tpot(int specTokens, int batch) {
        SimulatorConfig c = config(specTokens, 0.7, false);
        Engine e = new Engine(c, new EngineMetrics(c, 0));
        List<Sink> s = submit(e, batch, 64, 200, null);
        run(e, s, 0);
        return tpot(s);
    }

    @Test
    void speculativeDecodingLowersTimePerTokenAtLowLoadAndTheGainShrinksAsBatchesFill() {
        double gainAlone = tpot(0, 1) / tpot(4, 1);
        double gainFull = tpot(0, 256) / tpot(4, 256);
        // alone: a 10.08 ms step yields 1 token; with 4 drafts at α = 0.7 a ~14.5 ms step yields ~2.8
        assertThat(gainAlone).isGreaterThan(1.6);
        // 256 sequences: verifying 1,024 drafts costs ~100 ms a step, more than the tokens it saves
        assertThat(gainFull).isLessThan(gainAlone / 1.5);
        assertThat(gainFull).isLessThan(1.0);
    }

    @Test
    void everyRequestStillGetsExactlyItsTokensAndStepsYieldOneToKPlusOne() {
        SimulatorConfig c = config(3, 0.6, false);
        EngineMetrics m = new EngineMetrics(c, 0);
        Engine e = new Engine(c, m);
        List<Sink> s = submit(e, 8, 32, 101, null);
        run(e, s, 0);
        for (Sink k : s) {
            assertThat(k.completion.completionTokens()).isEqualTo(101);
            for (int i = 1; i < k.counts.size(); i++) {
                assertThat(k.counts.get(i) - k.counts.get(i - 1)).isBetween(1, 4);
            }
        }
        assertThat(m.generationTokens.sum()).isEqualTo(8 * 101);
        // accepted / drafted: E[accepted] / k with P(run >= j) = α^j, i.e. (0.6 + 0.36 + 0.216) / 3 = 0.392
        double rate = m.specAcceptedTokens() / (double) m.specDraftTokens();
        assertThat(rate).isCloseTo(0.392, within(0.05));
        String text = exposition(m);
        assertThat(text)
                .contains("vllm:spec_decode_num_drafts_total{engine=\"0\",model_name=\"sim-llama-3.1-8b\"}")
                .contains("vllm:spec_decode_num_accepted_tokens_per_pos_total{engine=\"0\","
                        + "model_name=\"sim-llama-3.1-8b\",position=\"2\"}");
    }

    @Test
    void withoutSpeculativeDecodingTheSpecFamiliesAreAbsent() {
        SimulatorConfig c = config(0, 0.7, false);
        assertThat(exposition(new EngineMetrics(c, 0))).doesNotContain("spec_decode");
    }

    @Test
    void prefixHitsSkipPrefillAndLowerTimeToFirstToken() {
        long[] shared = hashes(64); // 1,024-token prompts, all the same
        SimulatorConfig on = config(0, 0.7, true);
        EngineMetrics m = new EngineMetrics(on, 0);
        Engine e = new Engine(on, m);
        List<Sink> first = submit(e, 1, 1024, 4, shared);
        double t = run(e, first, 0);
        double coldTtft = first.get(0).times.get(0);
        List<Sink> second = submit(e, 1, 1024, 4, shared);
        for (Sink s : second) {
            s.now = t;
        }
        double start = t;
        run(e, second, t);
        double warmTtft = second.get(0).times.get(0) - start;
        // cold: 10 ms + 1,024 tokens of prefill; warm: 63 of 64 blocks cached, 16 tokens computed
        assertThat(coldTtft).isCloseTo(0.1124, within(1e-6));
        assertThat(warmTtft).isCloseTo(0.0116, within(1e-6));
        assertThat(m.prefixCacheHits()).isEqualTo(63 * 16);
        String text = exposition(m);
        assertThat(text)
                .contains("vllm:prefix_cache_hits_total{engine=\"0\",model_name=\"sim-llama-3.1-8b\"} 1008")
                .contains("vllm:prompt_tokens_cached_total{engine=\"0\",model_name=\"sim-llama-3.1-8b\"} 1008")
                .contains("enable_prefix_caching=\"True\"");
    }

    @Test
    void aSmallCacheEvictsCachedPrefixesAndLosesTheHits() {
        // 96 blocks of KV; each 1,024-token request with 4 output tokens holds 64 + 1
        SimulatorConfig small = SimulatorConfig.defaults()
                .withEngine(256, 1536, 8192)
                .withTiming(10_000, 10.0, 0.08)
                .withFeatures(0, 0.7, 1.0, true);
        EngineMetrics m = new EngineMetrics(small, 0);
        Engine e = new Engine(small, m);
        long[] a = hashes(64);
        long[] b = hashes(64);
        for (int i = 0; i < b.length; i++) {
            b[i] ^= 0x1234_5678L;
        }
        double t = 0;
        for (long[] prompt : List.of(a, b, a)) {
            List<Sink> s = submit(e, 1, 1024, 4, prompt);
            for (Sink k : s) {
                k.now = t;
            }
            t = run(e, s, t);
        }
        // b takes the 32 plain free blocks and evicts 33 of a's, last blocks first (as vLLM frees them in
        // reverse), so a's second visit finds only its first 31 blocks
        assertThat(m.prefixCacheHits()).isEqualTo(31 * 16);
        assertThat(e.kvUsage()).isZero();
    }

    @Test
    void chatAndCompletionPromptsHashTheirTokensIntoBlocks() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String prefix = "word ".repeat(40);
        OpenAiRequest x =
                OpenAiRequest.parse(json, ("{\"prompt\":\"" + prefix + "alpha beta\"}").getBytes(), false, 0, 16);
        OpenAiRequest y =
                OpenAiRequest.parse(json, ("{\"prompt\":\"" + prefix + "gamma delta\"}").getBytes(), false, 0, 16);
        assertThat(x.blockHashes()).hasSize(x.promptTokens() / 16);
        assertThat(x.blockHashes()[0]).isEqualTo(y.blockHashes()[0]);
        assertThat(x.blockHashes()[1]).isEqualTo(y.blockHashes()[1]);
    }

    private static long[] hashes(int blocks) {
        long[] h = new long[blocks];
        long v = 7;
        for (int i = 0; i < blocks; i++) {
            v = SimTokenizer.mix(v + i);
            h[i] = v;
        }
        return h;
    }

    private static String exposition(EngineMetrics m) {
        StringBuilder sb = new StringBuilder();
        m.families().forEach(f -> io.aiwatch.reader.exposition.TextFormat.write(sb, f));
        return sb.toString();
    }
}
