package io.aiwatch.tool.vllmsim;

/**
 * The simulator's deterministic tokenizer and text generator, so that token counts are exact and
 * reproducible without a model vocabulary.
 *
 * <p>A token is any leading whitespace followed by one run of letters, one run of digits, or one
 * other character; whitespace at the end of the text is one more token. Generated text is a
 * sequence of {@code " word"} tokens, each one token under the same rule, so re-tokenizing a
 * completion gives back {@code completion_tokens}.
 */
public final class SimTokenizer {
    private static final String[] WORDS = {
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not", "he",
        "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were", "their",
        "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who", "so",
        "no", "model", "token", "batch", "cache", "light", "river", "stone", "garden", "window", "paper", "signal",
        "engine", "cloud", "north", "quiet", "green",
    };

    private SimTokenizer() {}

    /** Number of tokens in {@code text} under the rule above. */
    public static int count(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i = tokenEnd(text, i)) {
            n++;
        }
        return n;
    }

    /**
     * Adds the hash of every token of {@code text} (same rule as {@link #count}) to {@code out}: the
     * identity of the prompt's tokens, for prefix caching.
     */
    public static void hashTokens(String text, long salt, java.util.function.LongConsumer out) {
        for (int i = 0, end; i < text.length(); i = end) {
            end = tokenEnd(text, i);
            out.accept(mix(salt ^ text.substring(i, end).hashCode()));
        }
    }

    /**
     * The end (exclusive) of the token that starts at {@code start}: its leading whitespace, then one
     * run of letters, one run of digits or one other character; whitespace that reaches the end of the
     * text is a token of its own. The one place the rule is written.
     */
    static int tokenEnd(String text, int start) {
        int i = start;
        int len = text.length();
        while (i < len && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == len) {
            return len;
        }
        char c = text.charAt(i);
        if (Character.isLetter(c)) {
            while (i < len && Character.isLetter(text.charAt(i))) {
                i++;
            }
        } else if (Character.isDigit(c)) {
            while (i < len && Character.isDigit(text.charAt(i))) {
                i++;
            }
        } else {
            i += Character.charCount(text.codePointAt(i));
        }
        return i;
    }

    /**
     * Chained hashes of the full blocks of {@code tokenHashes}: block i's hash covers its own
     * tokens and every block before it, as vLLM's block hashes do, so equal hashes mean equal prefixes.
     */
    public static long[] blockHashes(long[] tokenHashes, int count, int blockSize) {
        long[] out = new long[count / blockSize];
        long h = 0x6A09E667F3BCC909L;
        for (int b = 0; b < out.length; b++) {
            for (int t = b * blockSize; t < (b + 1) * blockSize; t++) {
                h = mix(h * 31 + tokenHashes[t]);
            }
            out[b] = h;
        }
        return out;
    }

    /** Text of output token {@code index} of a request whose text seed is {@code seed}. */
    public static String token(long seed, int index) {
        return word(wordIndex(seed, index));
    }

    /** Index into the word list of output token {@code index} of a request whose text seed is {@code seed}. */
    static int wordIndex(long seed, int index) {
        long h = mix(seed + 0x9E3779B97F4A7C15L * (index + 1));
        return (int) Long.remainderUnsigned(h, WORDS.length);
    }

    /** The generated token of word {@code i}: {@code " " + word}. */
    static String word(int i) {
        return " " + WORDS[i];
    }

    /** Number of distinct generated words. */
    static int wordCount() {
        return WORDS.length;
    }

    /** A well-spread 64-bit hash (SplitMix64 finaliser). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
