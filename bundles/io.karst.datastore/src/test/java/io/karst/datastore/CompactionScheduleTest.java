package io.karst.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.KeyValueStore;

class CompactionScheduleTest {
    private final MovableClock clock = new MovableClock();
    private final List<Long> compactions = new ArrayList<>();
    private long revision;
    private boolean down;

    @Test
    void theRevisionCountRuleWinsWhenItKeepsMoreHistory() {
        CompactionSchedule schedule = schedule(new CompactionPolicy(Duration.ofMinutes(5), Duration.ofMinutes(5), 1000));
        revision = 1500;
        schedule.sample();
        clock.advance(Duration.ofMinutes(5));
        revision = 2000;
        // 5 minutes ago the store was at 1500; keeping 1000 revisions means compacting only to 1000.
        assertEquals(1000, schedule.round());
    }

    @Test
    void theRetentionRuleWinsWhenItKeepsMoreHistory() {
        CompactionSchedule schedule = schedule(new CompactionPolicy(Duration.ofMinutes(5), Duration.ofMinutes(5), 1000));
        revision = 3000;
        schedule.sample();
        clock.advance(Duration.ofMinutes(5));
        revision = 50_000;
        assertEquals(3000, schedule.round());
    }

    @Test
    void nothingIsCompactedBeforeTheStoreHasRunForTheRetention() {
        CompactionSchedule schedule = schedule(new CompactionPolicy(Duration.ofMinutes(5), Duration.ofMinutes(5), 10));
        revision = 100;
        schedule.sample();
        clock.advance(Duration.ofMinutes(4));
        revision = 5000;
        assertEquals(0, schedule.round());
        assertEquals(List.of(), compactions);
    }

    @Test
    void aRoundWithNothingNewToCompactDoesNotCompact() {
        CompactionSchedule schedule = schedule(new CompactionPolicy(Duration.ofSeconds(1), Duration.ZERO, 10));
        revision = 5;
        assertEquals(0, schedule.round());
        revision = 30;
        assertEquals(20, schedule.round());
        assertEquals(0, schedule.round());
        assertEquals(List.of(20L), compactions);
    }

    @Test
    void aFailedRoundIsSwallowedAndTheNextOneCompacts() {
        CompactionSchedule schedule = schedule(new CompactionPolicy(Duration.ofSeconds(1), Duration.ZERO, 10));
        revision = 100;
        down = true;
        assertEquals(0, schedule.round());
        down = false;
        assertEquals(90, schedule.round());
    }

    @Test
    void samplesAreATwentiethOfTheRetentionButNeverLongerThanTheInterval() {
        assertEquals(Duration.ofSeconds(15), CompactionSchedule.samplePeriod(CompactionPolicy.defaults()));
        assertEquals(Duration.ofSeconds(1), CompactionSchedule.samplePeriod(
                new CompactionPolicy(Duration.ofSeconds(1), Duration.ofHours(1), 0)));
        assertEquals(Duration.ofMillis(200), CompactionSchedule.samplePeriod(
                new CompactionPolicy(Duration.ofSeconds(1), Duration.ZERO, 0)));
    }

    @Test
    void negativeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new CompactionPolicy(Duration.ofSeconds(-1), Duration.ZERO, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new CompactionPolicy(Duration.ZERO, Duration.ZERO, -1));
    }

    private CompactionSchedule schedule(CompactionPolicy policy) {
        return new CompactionSchedule(fakeStore(), policy, clock, "test-compaction");
    }

    /** Only what the schedule calls: the revisions and compact. */
    private KeyValueStore fakeStore() {
        return (KeyValueStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyValueStore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "currentRevision" -> revision;
                    case "compactedRevision" -> compactions.isEmpty() ? 0L : compactions.get(compactions.size() - 1);
                    case "compact" -> {
                        if (down) {
                            throw new DatastoreUnavailableException("database down");
                        }
                        compactions.add((Long) args[0]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
