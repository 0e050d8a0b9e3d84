package io.aiwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader on its own, with a section it knows nothing about (the daemon's file: DaemonConfigTest). */
class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    /** A feature's section as features write them: optional keys, validation in the constructor. */
    record Section(
            @JsonProperty("name") String name,

            @JsonProperty("every") @JsonDeserialize(using = DurationText.Json.class)
            Duration every,

            @JsonProperty("count") Integer count,
            @JsonProperty("items") List<String> items) {
        Section {
            name = name == null ? "default" : name;
            every = every == null ? Duration.ofSeconds(1) : every;
            if (count != null && count < 0) {
                throw new IllegalArgumentException("count must be >= 0, not " + count);
            }
        }
    }

    record Root(@JsonProperty("section") Section section) {}

    @Test
    void readsASectionWithItsDuration() throws Exception {
        Root r = loader.parse("a.yaml", "section:\n  name: x\n  every: 1m30s\n  count: 3\n", Root.class);
        assertThat(r.section()).isEqualTo(new Section("x", Duration.ofSeconds(90), 3, null));
    }

    @Test
    void anEmptyDocumentIsTheRecordWithNothingSet() throws Exception {
        assertThat(loader.parse("a.yaml", "\n", Root.class)).isEqualTo(new Root(null));
    }

    /** The packaged default config is all comments: it must start the daemon with its defaults. */
    @Test
    void aDocumentOfOnlyCommentsIsTheRecordWithNothingSet() throws Exception {
        String comments = "# aiwatch configuration\n# section:\n#   every: 5s\n\n---\n# nothing set\n";
        assertThat(loader.parse("a.yaml", comments, Root.class)).isEqualTo(new Root(null));
    }

    @Test
    void unknownKeyNamesFileLineAndTheKnownKeys() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "section:\n  name: x\n  cuont: 2\n", Root.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("a.yaml:3: unknown key 'cuont' in section; known keys here: count, every, items, name");
    }

    @Test
    void badValuesNameFileLineAndKey() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "section:\n  every: soon\n", Root.class))
                .hasMessageStartingWith("a.yaml:2:")
                .hasMessageContaining("bad value 'soon' for section.every: expected a duration such as 500ms");
        assertThatThrownBy(() -> loader.parse("a.yaml", "section:\n  every: 15\n", Root.class))
                .hasMessageStartingWith("a.yaml:2:")
                .hasMessageContaining("bad value '15' for section.every");
        assertThatThrownBy(() -> loader.parse("a.yaml", "section:\n  count: many\n", Root.class))
                .hasMessageStartingWith("a.yaml:2:")
                .hasMessageContaining("section.count")
                .hasMessageContaining("a whole number");
        assertThatThrownBy(() -> loader.parse("a.yaml", "section:\n  count: -1\n", Root.class))
                .hasMessageStartingWith("a.yaml:")
                .hasMessageContaining("invalid section: count must be >= 0, not -1");
        assertThatThrownBy(() -> loader.parse("a.yaml", "section:\n  items: 3\n", Root.class))
                .hasMessageContaining("a list");
    }

    @Test
    void aDuplicateKeyIsAnError() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "section:\n  name: a\n  name: b\n", Root.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("a.yaml:");
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> loader.load(file, Root.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": no such configuration file");
        Files.writeString(file, "section:\n  name: y\n");
        assertThat(loader.load(file, Root.class).section().name()).isEqualTo("y");
    }
}
