package io.aiwatch.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiwatch.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotStoreTest {
    private static final DetailKey<String> NAME = DetailKey.of("name", String.class);
    private static final DetailKey<String> OTHER = DetailKey.of("other", String.class);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final SnapshotStore store = new SnapshotStore(clock);

    @Test
    void aDetailIsFoundByItsKeyAndNotByAnotherKeyOfTheSameType() {
        Snapshot s = Snapshot.of(List.of(), NAME, "a");
        assertThat(s.detail(NAME)).isEqualTo("a");
        assertThat(s.detail(OTHER)).isNull();
        assertThat(Snapshot.of(List.of()).detail(NAME)).isNull();
    }

    @Test
    void theStoreHandsEachCollectorsDetailUnderAKeyInRegistrationOrder() {
        for (String c : List.of("c1", "c2", "c3")) {
            store.register(c, Duration.ofSeconds(1), Duration.ofSeconds(3));
        }
        assertThat(store.details(NAME)).isEmpty();
        assertThat(store.detail(NAME)).isNull();
        store.publish("c3", Snapshot.of(List.of(), NAME, "three"), clock.instant(), 0, 0);
        store.publish("c2", Snapshot.of(List.of(), OTHER, "two"), clock.instant(), 0, 0);
        store.publish("c1", Snapshot.of(List.of(), NAME, "one"), clock.instant(), 0, 0);
        assertThat(store.details(NAME)).containsExactly("one", "three");
        assertThat(store.detail(NAME)).isEqualTo("one");
        assertThat(store.details(OTHER)).containsExactly("two");
        // A failed run keeps the last good snapshot, and its detail, in place.
        clock.advance(Duration.ofSeconds(10));
        store.fail("c1", "boom", clock.instant(), 0, 0);
        assertThat(store.details(NAME)).containsExactly("one", "three");
    }
}
