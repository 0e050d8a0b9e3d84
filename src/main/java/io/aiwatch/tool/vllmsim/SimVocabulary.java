package io.aiwatch.tool.vllmsim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token ids for the simulator's tokenizer ({@link SimTokenizer}): what {@code /tokenize},
 * {@code /detokenize}, {@code stop_token_ids} and logprobs need.
 *
 * <p>Fixed ids: {@code 0 <unk>}, {@code 1 <s>}, {@code 2 </s>} (EOS), the chat template's
 * tokens at {@value #TEMPLATE_BASE}..., and the generated words at {@value #WORD_BASE} + word
 * index, so a client can find the id of {@code " garden"} once and use it as a stop token in every
 * run. Other text pieces get ids from {@value #DYNAMIC_BASE} up in order of first sight; they are
 * stable while the server runs. At most {@value #MAX_DYNAMIC} such pieces are remembered (bounded
 * memory); pieces beyond that get a hashed id that detokenizes to the empty string.
 */
final class SimVocabulary {
    static final int UNK = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    static final String EOS_TEXT = "</s>";
    static final int TEMPLATE_BASE = 10;
    static final int WORD_BASE = 100;
    static final int DYNAMIC_BASE = 1000;
    static final int MAX_DYNAMIC = 1 << 20;
    /** The chat template's tokens per message (start, role, separator, end) and for the assistant turn. */
    private static final String[] TEMPLATE = {"<|start|>", "<|role|>", "<|sep|>", "<|end|>", "<|assistant|>"};

    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> pieces = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger(DYNAMIC_BASE);

    SimVocabulary() {
        for (int i = 0; i < SimTokenizer.wordCount(); i++) {
            ids.put(SimTokenizer.word(i), WORD_BASE + i);
        }
    }

    /** Splits text into tokens by the rule of {@link SimTokenizer#count}: {@code pieces(t).size() == count(t)}. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0, end; i < text.length(); i = end) {
            end = SimTokenizer.tokenEnd(text, i);
            out.add(text.substring(i, end));
        }
        return out;
    }

    /** The id of generated word {@code wordIndex}. */
    static int wordId(int wordIndex) {
        return WORD_BASE + wordIndex;
    }

    /** Id of one text piece, assigning a new one on first sight. */
    int id(String piece) {
        Integer known = ids.get(piece);
        if (known != null) {
            return known;
        }
        if (pieces.size() >= MAX_DYNAMIC) {
            return DYNAMIC_BASE + MAX_DYNAMIC + (piece.hashCode() & 0x3FFFFFFF);
        }
        synchronized (this) {
            known = ids.get(piece);
            if (known != null) {
                return known;
            }
            int id = next.getAndIncrement();
            pieces.add(piece);
            ids.put(piece, id);
            return id;
        }
    }

    /** Token ids of {@code text}. */
    List<Integer> encode(String text) {
        List<Integer> out = new ArrayList<>();
        for (String p : split(text)) {
            out.add(id(p));
        }
        return out;
    }

    /** Ids of a chat template's tokens: {@code kind} 0..3 for a message's four, 4 for the assistant turn. */
    static int templateId(int kind) {
        return TEMPLATE_BASE + kind;
    }

    /** The text of one token id; special and unknown ids give the empty string unless {@code special}. */
    String piece(int id, boolean special) {
        if (id >= WORD_BASE && id < WORD_BASE + SimTokenizer.wordCount()) {
            return SimTokenizer.word(id - WORD_BASE);
        }
        if (id >= DYNAMIC_BASE && id - DYNAMIC_BASE < pieces.size()) {
            return pieces.get(id - DYNAMIC_BASE);
        }
        if (!special) {
            return "";
        }
        if (id == EOS) {
            return EOS_TEXT;
        }
        if (id == BOS) {
            return "<s>";
        }
        if (id >= TEMPLATE_BASE && id < TEMPLATE_BASE + TEMPLATE.length) {
            return TEMPLATE[id - TEMPLATE_BASE];
        }
        return "<unk>";
    }

    /** Text of a token sequence, special tokens skipped (vLLM's {@code skip_special_tokens=True}). */
    String decode(List<Integer> tokenIds) {
        StringBuilder sb = new StringBuilder();
        for (int id : tokenIds) {
            sb.append(piece(id, false));
        }
        return sb.toString();
    }
}
