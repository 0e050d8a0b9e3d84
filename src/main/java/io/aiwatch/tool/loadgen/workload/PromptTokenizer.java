package io.aiwatch.tool.loadgen.workload;

/** A real tokenizer used to build prompts of exact token lengths and to count tokens. */
public interface PromptTokenizer extends AutoCloseable {
    int[] encode(String text);

    String decode(int[] ids);

    @Override
    default void close() {}
}
