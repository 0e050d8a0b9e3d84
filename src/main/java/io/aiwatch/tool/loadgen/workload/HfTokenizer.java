package io.aiwatch.tool.loadgen.workload;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Hugging Face {@code tokenizer.json} read by DJL's binding of the Rust tokenizers library. The
 * native library ships inside the jar and is unpacked to ~/.djl.ai on first use: no network needed.
 * Special tokens are not added, so counts match the prompt the server tokenizes (minus its BOS).
 */
public final class HfTokenizer implements PromptTokenizer {
    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads a tokenizer.json file (or a directory holding one). */
    public static HfTokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isReadable(file)) {
            throw new LoadgenException("cannot read tokenizer file --tokenizer " + file);
        }
        try {
            return new HfTokenizer(HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build());
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new LoadgenException("cannot load tokenizer " + file + ": " + e.getMessage());
        }
    }

    @Override
    public int[] encode(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
