package io.aiwatch.tool.loadgen.workload;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Datasets made up on the spot: vLLM's random and prefix_repetition, aiwatch's shared-prefix and multi-turn. */
final class SyntheticDatasets {
    private SyntheticDatasets() {}

    /**
     * vLLM's random dataset: input and output lengths uniform in {@code [floor(L(1-r)), ceil(L(1+r))]}
     * (output at least 1; a separate output ratio when --random-range-ratio was a dict), each prompt
     * after one fixed prefix of --random-prefix-len tokens shared by all.
     */
    static List<Conversation> random(WorkloadSpec spec, PromptText text) {
        DatasetArgs a = spec.args();
        double outRatio = Double.isNaN(a.outputRangeRatio()) ? spec.rangeRatio() : a.outputRangeRatio();
        int minInput = a.randomPrefixLen() + (int) Math.floor(spec.inputLen() * (1 - spec.rangeRatio()));
        if (minInput < 1) {
            throw new LoadgenException("--random-input-len is too small: with input range ratio "
                    + spec.rangeRatio() + " the minimum possible total input tokens (prefix + sampled) is "
                    + minInput + ". Increase --random-input-len and/or --random-prefix-len, or decrease the"
                    + " input range ratio");
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        String prefix = a.randomPrefixLen() > 0 ? text.make(a.randomPrefixLen(), r) : "";
        List<Conversation> out = new ArrayList<>(spec.numPrompts());
        for (int i = 0; i < spec.numPrompts(); i++) {
            int in = DatasetLoader.drawLength(r, spec.inputLen(), spec.rangeRatio(), 0);
            int outLen = DatasetLoader.drawLength(r, spec.outputLen(), outRatio, 1);
            if (prefix.isEmpty()) {
                out.add(Conversation.single(text.make(Math.max(1, in), r), Math.max(1, in), outLen));
            } else {
                String prompt = in > 0 ? prefix + " " + text.make(in, r) : prefix;
                int tokens = text.exact() ? text.count(prompt) : a.randomPrefixLen() + in;
                out.add(Conversation.single(prompt, tokens, outLen));
            }
        }
        return out;
    }

    /**
     * vLLM's prefix_repetition: --prefix-repetition-num-prefixes prefixes of prefix-len tokens,
     * each followed by num_prompts / num_prefixes different suffixes of suffix-len tokens, shuffled.
     */
    static List<Conversation> prefixRepetition(WorkloadSpec spec, PromptText text) {
        DatasetArgs a = spec.args();
        int perPrefix = spec.numPrompts() / Math.max(1, a.prefixRepetitionNumPrefixes());
        if (a.prefixRepetitionNumPrefixes() < 1 || perPrefix == 0) {
            throw new LoadgenException("num_requests (" + spec.numPrompts()
                    + ") must be greater than or equal to num_prefixes (" + a.prefixRepetitionNumPrefixes() + ")");
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        List<Conversation> out = new ArrayList<>();
        for (int p = 0; p < a.prefixRepetitionNumPrefixes(); p++) {
            String prefix = text.make(a.prefixRepetitionPrefixLen(), r);
            for (int k = 0; k < perPrefix; k++) {
                String prompt = prefix + " " + text.make(a.prefixRepetitionSuffixLen(), r);
                int tokens = text.exact()
                        ? text.count(prompt)
                        : a.prefixRepetitionPrefixLen() + a.prefixRepetitionSuffixLen();
                out.add(Conversation.single(prompt, tokens, a.prefixRepetitionOutputLen()));
            }
        }
        DatasetLoader.shuffle(out, spec);
        return out;
    }

    static List<Conversation> sharedPrefix(WorkloadSpec spec, PromptText text) {
        if (spec.prefixGroups() < 1) {
            throw new LoadgenException("--shared-prefix-groups must be >= 1, got " + spec.prefixGroups());
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        String[] prefixes = new String[spec.prefixGroups()];
        for (int g = 0; g < prefixes.length; g++) {
            prefixes[g] = text.make(spec.prefixLen(), r);
        }
        List<Conversation> out = new ArrayList<>(spec.numPrompts());
        for (int i = 0; i < spec.numPrompts(); i++) {
            int in = DatasetLoader.drawLength(r, spec.inputLen(), spec.rangeRatio(), 1);
            int outLen = DatasetLoader.drawLength(r, spec.outputLen(), spec.rangeRatio(), 1);
            String prompt = prefixes[r.nextInt(prefixes.length)] + " " + text.make(in, r);
            int tokens = text.exact() ? text.count(prompt) : spec.prefixLen() + in;
            out.add(Conversation.single(prompt, tokens, outLen));
        }
        return out;
    }

    static List<Conversation> multiTurn(WorkloadSpec spec, PromptText text) {
        if (spec.turns() < 1) {
            throw new LoadgenException("--num-turns must be >= 1, got " + spec.turns());
        }
        SplittableRandom r = new SplittableRandom(spec.seed());
        List<Conversation> out = new ArrayList<>(spec.numPrompts());
        for (int i = 0; i < spec.numPrompts(); i++) {
            List<Conversation.Turn> turns = new ArrayList<>();
            for (int t = 0; t < spec.turns(); t++) {
                int in = DatasetLoader.drawLength(r, spec.inputLen(), spec.rangeRatio(), 1);
                int outLen = DatasetLoader.drawLength(r, spec.outputLen(), spec.rangeRatio(), 1);
                turns.add(new Conversation.Turn(text.make(in, r), in, outLen));
            }
            out.add(new Conversation(turns));
        }
        return out;
    }
}
