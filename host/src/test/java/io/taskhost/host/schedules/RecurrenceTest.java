package io.taskhost.host.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecurrenceTest {

    private static List<Instant> occurrences(Recurrence recurrence, String from, String until) {
        List<Instant> found = new ArrayList<>();
        Instant at = Instant.parse(from);
        while (true) {
            Instant next = recurrence.after(at).orElseThrow();
            if (next.isAfter(Instant.parse(until))) {
                return found;
            }
            found.add(next);
            at = next;
        }
    }

    @Test
    void aFiveFieldUnixExpressionRunsOnItsMinutes() {
        Recurrence everyQuarter = Recurrence.cron("*/15 * * * *", "UTC");
        assertEquals(List.of(Instant.parse("2026-12-02T10:15:00Z"), Instant.parse("2026-12-02T10:30:00Z")),
                occurrences(everyQuarter, "2026-12-02T10:00:00Z", "2026-12-02T10:40:00Z"));
    }

    @Test
    void aSixFieldExpressionHasSecondsFirst() {
        Recurrence everyTenSeconds = Recurrence.cron("*/10 * * * * *", "UTC");
        assertEquals(List.of(Instant.parse("2026-12-02T10:00:10Z"), Instant.parse("2026-12-02T10:00:20Z")),
                occurrences(everyTenSeconds, "2026-12-02T10:00:00Z", "2026-12-02T10:00:25Z"));
    }

    @Test
    void theLatestOccurrenceIncludesTheCurrentSecond() {
        Recurrence everyTenSeconds = Recurrence.cron("*/10 * * * * *", "UTC");
        assertEquals(Instant.parse("2026-12-02T10:00:10Z"),
                everyTenSeconds.latestAtOrBefore(Instant.parse("2026-12-02T10:00:10.700Z")).orElseThrow());
        assertEquals(Instant.parse("2026-12-02T10:00:10Z"),
                everyTenSeconds.latestAtOrBefore(Instant.parse("2026-12-02T10:00:19.999Z")).orElseThrow());
    }

    @Test
    void aZoneShiftsTheOccurrencesToItsLocalTime() {
        Recurrence daily = Recurrence.cron("0 9 * * *", "Asia/Tokyo");
        assertEquals(List.of(Instant.parse("2026-12-03T00:00:00Z")),
                occurrences(daily, "2026-12-02T01:00:00Z", "2026-12-03T01:00:00Z"));
    }

    @Test
    void onTheSpringForwardDayAnOccurrenceInTheSkippedHourDoesNotRun() {
        Recurrence daily = Recurrence.cron("30 2 * * *", "Europe/Berlin");
        // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST, so 02:30 does not exist that day; cron-utils
        // skips it (Vixie cron would run it at 03:00), and docs/scheduling.md says so.
        assertEquals(List.of(Instant.parse("2026-03-28T01:30:00Z"), Instant.parse("2026-03-30T00:30:00Z")),
                occurrences(daily, "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z"));
    }

    @Test
    void onTheFallBackDayAnOccurrenceInTheRepeatedHourRunsOnce() {
        Recurrence daily = Recurrence.cron("30 2 * * *", "Europe/Berlin");
        // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET, so 02:30 happens twice that day: the first counts.
        assertEquals(List.of(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z")),
                occurrences(daily, "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z"));
        assertEquals(Instant.parse("2026-10-25T00:30:00Z"), daily.latestAtOrBefore(
                Instant.parse("2026-10-25T01:45:00Z")).orElseThrow(), "the second 02:30 is no occurrence");
    }

    @Test
    void everyCountsItsPeriodsFromTheEpochSoThatEveryHostAgrees() {
        Recurrence everyTwoSeconds = Recurrence.every("2s");
        assertEquals(Instant.parse("2026-12-02T10:00:02Z"),
                everyTwoSeconds.latestAtOrBefore(Instant.parse("2026-12-02T10:00:03.999Z")).orElseThrow());
        assertEquals(Instant.parse("2026-12-02T10:00:04Z"),
                everyTwoSeconds.after(Instant.parse("2026-12-02T10:00:02Z")).orElseThrow());
    }

    @Test
    void aBadExpressionIsRefusedWithWhatIsWrong() {
        var fields = assertThrows(IllegalArgumentException.class, () -> Recurrence.cron("* * *", "UTC"));
        assertTrue(fields.getMessage().contains("has 3 fields"), fields.getMessage());
        var range = assertThrows(IllegalArgumentException.class, () -> Recurrence.cron("61 * * * *", "UTC"));
        assertTrue(range.getMessage().contains("not a valid cron expression"), range.getMessage());
        var zone = assertThrows(IllegalArgumentException.class, () -> Recurrence.cron("0 * * * *", "Mars/Olympus"));
        assertTrue(zone.getMessage().contains("not a time zone"), zone.getMessage());
        var tooShort = assertThrows(IllegalArgumentException.class, () -> Recurrence.every("500ms"));
        assertTrue(tooShort.getMessage().contains("shorter than"), tooShort.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Recurrence.every("soon"));
    }
}
