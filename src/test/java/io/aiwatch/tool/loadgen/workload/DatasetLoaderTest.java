package io.aiwatch.tool.loadgen.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiwatch.tool.loadgen.record.LoadgenException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    private static WorkloadSpec spec(String name, Path path, int n) {
        return new WorkloadSpec(name, path, 100, 20, 0.5, 3, 40, 2, 0, false, n, 9);
    }

    /** As {@link #spec} with vLLM's flags {@code args} (--no-oversample, --custom-output-len...). */
    private static WorkloadSpec spec(String name, Path path, int n, DatasetArgs args) {
        return new WorkloadSpec(name, path, 100, 20, 0.5, 3, 40, 2, 0, false, n, 9, args);
    }

    private static DatasetArgs args(int customOutputLen, boolean noOversample, boolean disableShuffle) {
        DatasetArgs d = DatasetArgs.defaults();
        return new DatasetArgs(
                d.randomPrefixLen(),
                d.outputRangeRatio(),
                customOutputLen,
                d.sharegptOutputLen(),
                noOversample,
                disableShuffle,
                d.sonnetInputLen(),
                d.sonnetOutputLen(),
                d.sonnetPrefixLen(),
                d.prefixRepetitionPrefixLen(),
                d.prefixRepetitionSuffixLen(),
                d.prefixRepetitionNumPrefixes(),
                d.prefixRepetitionOutputLen(),
                d.specBenchOutputLen(),
                d.specBenchCategory());
    }

    @Test
    void randomLengthsStayInsideTheRangeRatioBounds() {
        List<Conversation> items = DatasetLoader.load(spec("random", null, 500), new PromptText(null));
        assertThat(items).hasSize(500).allSatisfy(c -> {
            Conversation.Turn t = c.turns().get(0);
            assertThat(t.promptTokens()).isBetween(50, 150);
            assertThat(t.maxTokens()).isBetween(10, 30);
            assertThat(t.text().split(" ")).hasSize(t.promptTokens());
        });
        assertThat(items.stream()
                        .mapToInt(c -> c.turns().get(0).promptTokens())
                        .distinct()
                        .count())
                .isGreaterThan(50);
    }

    @Test
    void sharedPrefixItemsUseOnlyTheGivenNumberOfPrefixes() {
        List<Conversation> items = DatasetLoader.load(spec("shared-prefix", null, 200), new PromptText(null));
        long prefixes = items.stream()
                .map(c -> String.join(
                        " ", List.of(c.turns().get(0).text().split(" ")).subList(0, 40)))
                .distinct()
                .count();
        assertThat(prefixes).isEqualTo(3);
    }

    @Test
    void multiTurnSessionsHaveTheRequestedTurns() {
        assertThat(DatasetLoader.load(spec("multi-turn", null, 5), new PromptText(null)))
                .allSatisfy(c -> assertThat(c.turns()).hasSize(2));
    }

    @Test
    void customItemsAskForCustomOutputLenOrTheirOwnAndBadLinesNameTheFileAndLine() throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(
                f, "{\"prompt\":\"hello there\",\"output_tokens\":7}\n\n{\"prompt\":\"again\",\"output_tokens\":3}\n");
        // vLLM: --custom-output-len (256) wins unless it is -1; shuffled unless --disable-shuffle
        assertThat(DatasetLoader.load(spec("custom", f, 2, args(256, true, true)), new PromptText(null)))
                .extracting(c -> c.turns().get(0).maxTokens())
                .containsExactly(256, 256);
        assertThat(DatasetLoader.load(spec("custom", f, 2, args(-1, true, true)), new PromptText(null)))
                .extracting(c -> c.turns().get(0).maxTokens())
                .containsExactly(7, 3);
        // oversampled to --num-prompts unless --no-oversample
        assertThat(DatasetLoader.load(spec("custom", f, 10, args(-1, false, true)), new PromptText(null)))
                .hasSize(10);
        assertThat(DatasetLoader.load(spec("custom", f, 10, args(-1, true, true)), new PromptText(null)))
                .hasSize(2);
        Files.writeString(f, "{\"prompt\":\"no length\"}\n");
        assertThatThrownBy(() -> DatasetLoader.load(spec("custom", f, 10, args(-1, true, true)), new PromptText(null)))
                .hasMessageContaining("must contain an 'output_tokens' field");
        Files.writeString(f, "{\"prompt\":\"ok\"}\n{\"prompt\": oops}\n");
        assertThatThrownBy(() -> DatasetLoader.load(spec("custom", f, 10), new PromptText(null)))
                .isInstanceOf(LoadgenException.class)
                .hasMessageContaining(f + ":2")
                .hasMessageContaining("not valid JSON");
        Files.writeString(f, "{\"text\":\"ok\"}\n");
        assertThatThrownBy(() -> DatasetLoader.load(spec("custom", f, 10), new PromptText(null)))
                .hasMessageContaining(f + ":1")
                .hasMessageContaining("\"prompt\"");
    }

    @Test
    void prefixRepetitionSharesEachPrefixAmongItsPrompts() {
        List<Conversation> items = DatasetLoader.load(spec("prefix_repetition", null, 25), new PromptText(null));
        // 10 prefixes x (25 / 10) prompts, as vLLM
        assertThat(items)
                .hasSize(20)
                .allSatisfy(c -> assertThat(c.turns().get(0).promptTokens()).isEqualTo(512));
        long prefixes = items.stream()
                .map(c -> String.join(
                        " ", List.of(c.turns().get(0).text().split(" ")).subList(0, 256)))
                .distinct()
                .count();
        assertThat(prefixes).isEqualTo(10);
        assertThatThrownBy(() -> DatasetLoader.load(spec("prefix_repetition", null, 5), new PromptText(null)))
                .hasMessageContaining("must be greater than or equal to num_prefixes (10)");
    }

    @Test
    void burstGptUsesGpt4RowsAndSonnetStaysUnderItsInputLength() throws Exception {
        Path csv = dir.resolve("burst.csv");
        Files.writeString(
                csv,
                "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                        + "5,ChatGPT,100,10,110,Conversation log\n"
                        + "6,GPT-4,30,7,37,Conversation log\n"
                        + "7,GPT-4,40,0,40,Conversation log\n");
        List<Conversation> burst = DatasetLoader.load(spec("burstgpt", csv, 3), new PromptText(null));
        assertThat(burst).hasSize(3).allSatisfy(c -> {
            assertThat(c.turns().get(0).promptTokens()).isEqualTo(30);
            assertThat(c.turns().get(0).maxTokens()).isEqualTo(7);
        });
        Path sonnet = dir.resolve("sonnet.txt");
        Files.writeString(sonnet, "Shall I compare thee to a summer's day\n".repeat(50));
        List<Conversation> poems = DatasetLoader.load(spec("sonnet", sonnet, 5), new PromptText(null));
        assertThat(poems).hasSize(5).allSatisfy(c -> {
            assertThat(c.turns().get(0).promptTokens()).isLessThanOrEqualTo(550);
            assertThat(c.turns().get(0).text()).startsWith("Pick as many lines as you can from these poem lines:\n");
            assertThat(c.turns().get(0).maxTokens()).isEqualTo(150);
        });
    }

    @Test
    void unreadableDatasetsStopWithAClearMessage() {
        assertThatThrownBy(() ->
                        DatasetLoader.load(spec("sharegpt", dir.resolve("missing.json"), 10), new PromptText(null)))
                .hasMessageContaining("cannot read dataset")
                .hasMessageContaining("missing.json")
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> DatasetLoader.load(spec("custom", null, 10), new PromptText(null)))
                .hasMessageContaining("needs --dataset-path");
        assertThatThrownBy(() -> DatasetLoader.load(spec("sonnet", null, 10), new PromptText(null)))
                .hasMessageContaining("--dataset-name sonnet needs --dataset-path");
        assertThatThrownBy(() -> DatasetLoader.load(spec("hf", null, 10), new PromptText(null)))
                .hasMessageContaining("unknown --dataset-name 'hf'");
    }

    @Test
    void shareGptUsesTheFirstPairAndPrunesLikeVllm() throws Exception {
        Path f = dir.resolve("sg.json");
        String longAnswer = "word ".repeat(40);
        Files.writeString(
                f,
                "[{\"conversations\":[{\"from\":\"human\",\"value\":\"" + "tell me a long story please" + "\"},"
                        + "{\"from\":\"gpt\",\"value\":\"" + longAnswer
                        + "\"},{\"from\":\"human\",\"value\":\"and then what\"},"
                        + "{\"from\":\"gpt\",\"value\":\"" + longAnswer + "\"}]},"
                        + "{\"conversations\":[{\"from\":\"human\",\"value\":\"hi\"},{\"from\":\"gpt\",\"value\":\"yo\"}]}]");
        List<Conversation> single =
                DatasetLoader.load(spec("sharegpt", f, 10, args(256, true, false)), new PromptText(null));
        assertThat(single).hasSize(1);
        // without --no-oversample, vLLM repeats items up to --num-prompts
        assertThat(DatasetLoader.load(spec("sharegpt", f, 10), new PromptText(null)))
                .hasSize(10);
        assertThat(single.get(0).turns()).hasSize(1);
        assertThat(single.get(0).turns().get(0).maxTokens()).isEqualTo(PromptText.estimate(longAnswer));
        WorkloadSpec multi = new WorkloadSpec("sharegpt", f, 1, 1, 0, 0, 0, 1, 0, true, 10, 1);
        assertThat(DatasetLoader.load(multi, new PromptText(null)).get(0).turns())
                .hasSize(2);
    }

    @Test
    void aRealTokenizerGivesPromptsOfExactTokenLength() throws Exception {
        Path tok = Path.of(
                getClass().getResource("/loadgen/wordlevel-tokenizer.json").toURI());
        try (HfTokenizer t = HfTokenizer.load(tok)) {
            PromptText text = new PromptText(t);
            SplittableRandom r = new SplittableRandom(1);
            for (int len : new int[] {1, 7, 64, 300}) {
                String s = text.make(len, r);
                assertThat(t.encode(s)).hasSize(len);
            }
        }
        assertThatThrownBy(() -> HfTokenizer.load(dir.resolve("nope.json")))
                .hasMessageContaining("cannot read tokenizer");
    }
}
