package io.aiwatch.tool.vllmsim;

import java.util.List;

/**
 * What one choice will generate, decided before the engine runs it: the token sequence, where it
 * stops and why, and the text a client sees after each token. The engine only needs the count
 * ({@link #tokens}); the HTTP side needs the rest.
 *
 * <p>Stopping follows vLLM v1 token by token: the scheduler's check (EOS unless
 * {@code ignore_eos}, then {@code stop_token_ids}, then {@code max_tokens}; none of them before
 * {@code min_tokens} tokens), then the detokenizer's stop strings (only once more than
 * {@code min_tokens} tokens exist). A stop string truncates the text before it (or after it with
 * {@code include_stop_str_in_output}); the EOS or stop token itself is counted but its text is
 * left out unless {@code include_stop_str_in_output}. Where EOS falls is the "model's" choice:
 * drawn from the text seed in {@code [default_min_tokens, default_max_tokens]}, never before
 * {@code min_tokens}.
 *
 * @param tokens       tokens generated (EOS / stop token included), as {@code completion_tokens}
 * @param tokenIds     their ids
 * @param finishReason {@code stop} or {@code length}
 * @param stopReason   the stop string, the stop token id, or null (EOS, length)
 * @param text         the final text
 * @param visible      chars of the text a stream may show after {@code k+1} tokens ({@code visible[tokens-1] = text.length()})
 */
record ChoicePlan(int tokens, int[] tokenIds, String finishReason, Object stopReason, String text, int[] visible) {

    /**
     * Plans one choice.
     *
     * @param textSeed  the choice's text seed
     * @param maxTokens effective max_tokens (already capped by the context), >= 1
     * @param s         the request's sampling parameters
     * @param minEos    fewest tokens before the model's EOS (default_min_tokens)
     * @param maxEos    most tokens before the model's EOS (default_max_tokens)
     */
    static ChoicePlan of(long textSeed, int maxTokens, OpenAiRequest.Sampling s, int minEos, int maxEos) {
        int span = maxEos - minEos + 1;
        int natural = minEos + (int) Long.remainderUnsigned(SimTokenizer.mix(textSeed), span);
        int eosIndex = s.ignoreEos() ? -1 : Math.max(natural - 1, s.minTokens());
        List<String> stop = s.stop();
        int buffer = 0;
        if (!stop.isEmpty() && !s.includeStop()) {
            for (String x : stop) {
                buffer = Math.max(buffer, x.length() - 1);
            }
        }
        int[] ids = new int[maxTokens];
        int[] visible = new int[maxTokens];
        StringBuilder text = new StringBuilder();
        String finish = "length";
        Object reason = null;
        int n = 0;
        for (int i = 0; i < maxTokens; i++) {
            boolean eos = i == eosIndex;
            int id = eos ? SimVocabulary.EOS : SimVocabulary.wordId(SimTokenizer.wordIndex(textSeed, i));
            ids[i] = id;
            n = i + 1;
            boolean mayStop = n >= s.minTokens();
            boolean stopTerminated = false;
            if (mayStop && eos) {
                finish = "stop";
                stopTerminated = true;
            } else if (mayStop && i >= s.minTokens() && s.stopTokenIds().contains(id)) {
                finish = "stop";
                reason = id;
                stopTerminated = true;
            } else if (n >= maxTokens) {
                finish = "length";
            }
            int before = text.length();
            if (!stopTerminated || s.includeStop()) {
                text.append(eos ? "" : SimTokenizer.word(id - SimVocabulary.WORD_BASE));
            }
            int searchFrom = s.minTokens() > 0 && n <= s.minTokens() ? text.length() : before;
            if (!stop.isEmpty() && n > s.minTokens() && text.length() > searchFrom) {
                int[] hit = findStop(text, searchFrom, stop, s.includeStop());
                if (hit != null) {
                    finish = "stop";
                    reason = stop.get(hit[0]);
                    text.setLength(hit[1]);
                    stopTerminated = true;
                }
            }
            visible[i] = Math.max(0, text.length() - buffer);
            if (stopTerminated || n >= maxTokens) {
                visible[i] = text.length();
                break;
            }
        }
        int[] idsN = java.util.Arrays.copyOf(ids, n);
        int[] visN = java.util.Arrays.copyOf(visible, n);
        for (int i = 1; i < n; i++) {
            visN[i] = Math.max(visN[i], visN[i - 1]);
        }
        return new ChoicePlan(n, idsN, finish, reason, text.toString(), visN);
    }

    /**
     * vLLM's {@code check_stop_strings}: the first stop string (in the request's order) found in
     * the text, searching only where the new characters could complete one; returns
     * {index of the stop string, length to truncate to}.
     */
    private static int[] findStop(StringBuilder text, int newFrom, List<String> stop, boolean include) {
        int newChars = text.length() - newFrom;
        for (int k = 0; k < stop.size(); k++) {
            String x = stop.get(k);
            int from = Math.max(0, text.length() - newChars - x.length() + 1);
            int at = text.indexOf(x, from);
            if (at < 0) {
                continue;
            }
            return new int[] {k, include ? Math.min(text.length(), at + x.length()) : at};
        }
        return null;
    }

    /** Text of token {@code i} as a logprobs entry shows it (EOS decodes to the empty string). */
    String tokenText(int i) {
        int id = tokenIds[i];
        return id == SimVocabulary.EOS ? "" : SimTokenizer.word(id - SimVocabulary.WORD_BASE);
    }
}
