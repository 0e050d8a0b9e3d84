package io.aiwatch.tool.vllmsim;

/**
 * Made-up but consistent log-probabilities for the simulator's tokens: the sampled token is the
 * most likely one, the alternatives (other words of the vocabulary) follow in falling order, and
 * the values depend only on the choice's text seed and the token's position, so the same request
 * gets the same numbers in every run.
 */
final class TokenLogprobs {
    private TokenLogprobs() {}

    /** Logprob of the sampled token at position {@code i}, in (-2.01, -0.01]. */
    static double sampled(long seed, int i) {
        return ranked(seed, i, 0);
    }

    /** Logprob of the candidate of rank {@code k} (0 = the sampled token) at position {@code i}. */
    static double ranked(long seed, int i, int k) {
        long h = SimTokenizer.mix(seed ^ (0x2545F4914F6CDD1DL * (i + 1)));
        double base = -0.01 - (h >>> 11) * 0x1.0p-53 * 2.0;
        double v = base - 1.5 * k;
        return Math.round(v * 1e6) / 1e6;
    }

    /** The {@code count} most likely tokens at position {@code i}: the sampled one first, then other words. */
    static String[] top(ChoicePlan plan, int i, int count) {
        String[] out = new String[Math.max(0, count)];
        if (out.length == 0) {
            return out;
        }
        String sampled = plan.tokenText(i);
        out[0] = sampled;
        int words = SimTokenizer.wordCount();
        int start = (int) Long.remainderUnsigned(SimTokenizer.mix(plan.tokenIds()[i] * 31L + i), words);
        int k = 1;
        for (int j = 0; k < out.length && j < words; j++) {
            String w = SimTokenizer.word((start + j * 7) % words);
            if (!w.equals(sampled)) {
                out[k++] = w;
            }
        }
        return k == out.length ? out : java.util.Arrays.copyOf(out, k);
    }
}
