package io.taskhost.host.delayed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Due times as the delayed set scores them, and the ids of delayed tasks. */
class DelayedTasksTest {

    @Test
    void aDueTimeAndItsScoreRoundTripToTheMicrosecond() {
        Instant due = Instant.parse("2026-12-02T01:02:03.456789Z");

        assertEquals(due, DelayedTasks.instant(DelayedTasks.score(due)));
        assertEquals(1_796_173_323.456789, DelayedTasks.score(due));
        assertEquals(Instant.parse("2027-01-15T08:00:00.125Z"), DelayedTasks.instant(1_800_000_000.125));
    }

    @Test
    void scoresBeyondWhatAnInstantHoldsAreTheFarthestInstants() {
        assertEquals(Instant.MAX, DelayedTasks.instant(Double.POSITIVE_INFINITY));
        assertEquals(Instant.MAX, DelayedTasks.instant(1e300));
        assertEquals(Instant.MIN, DelayedTasks.instant(Double.NEGATIVE_INFINITY));
        assertEquals(Instant.MIN, DelayedTasks.instant(-1e300));
        assertEquals(Instant.EPOCH.minusMillis(1500), DelayedTasks.instant(-1.5));
    }

    @Test
    void anIdIsTheFirstTwelveHexDigitsOfTheSha256OfThePayloadsBytes() {
        // printf '%s' '{"worker":"noop"}' | sha256sum
        assertEquals("3c6b08e52dca", DelayedTasks.idOf("{\"worker\":\"noop\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
