package io.aiwatch.tool.loadgen.workload;

import java.util.SplittableRandom;

/**
 * Synthesises prompt text of a given token length. Without a tokenizer it joins common English
 * words that are one token each in the usual BPE vocabularies (an estimate; the server's usage gives
 * the true count). With a tokenizer it cuts the encoded text at exactly the wanted length and
 * re-encodes to check, adjusting a few times when decode/encode does not round-trip.
 */
public final class PromptText {
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from his it an were are "
                    + "which this be or has had not but first one their its new after who they have her she two been other when "
                    + "there all during into school time may years more most only over city some world would where later up such "
                    + "used many can state about national out known university united then made year during people under each "
                    + "team part them both well house long south north west east high family film season group while early game "
                    + "work music water river line name day life best back home show until found since second three small large "
                    + "old great war power light field road book song left right place open love war king land sea star moon tree "
                    + "stone fire wind rain snow cloud bird fish horse dog cat rose gold blue red green white black")
            .split(" ");

    private final PromptTokenizer tokenizer;

    /** @param tokenizer a real tokenizer, or null for the word-based estimate */
    public PromptText(PromptTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public boolean exact() {
        return tokenizer != null;
    }

    /** Text of {@code tokens} tokens (exact with a tokenizer), drawn from {@code random}. */
    public String make(int tokens, SplittableRandom random) {
        if (tokens <= 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(tokens * 6);
        int words = tokenizer == null ? tokens : tokens + tokens / 4 + 8;
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        if (tokenizer == null) {
            return sb.toString();
        }
        int[] ids = tokenizer.encode(sb.toString());
        while (ids.length < tokens) {
            sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
            ids = tokenizer.encode(sb.toString());
        }
        int cut = tokens;
        String best = null;
        for (int attempt = 0; attempt < 8 && cut > 0 && cut <= ids.length; attempt++) {
            String text = tokenizer.decode(java.util.Arrays.copyOf(ids, cut));
            int n = tokenizer.encode(text).length;
            if (n == tokens) {
                return text;
            }
            best = text;
            cut += tokens - n;
        }
        return best != null ? best : tokenizer.decode(java.util.Arrays.copyOf(ids, tokens));
    }

    /** Token count: exact with a tokenizer, else {@link #estimate}. */
    public int count(String text) {
        if (tokenizer != null) {
            return tokenizer.encode(text).length;
        }
        return estimate(text);
    }

    /** A tokenizer-free estimate for arbitrary text: about four characters per token. */
    public static int estimate(String text) {
        return text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
    }
}
