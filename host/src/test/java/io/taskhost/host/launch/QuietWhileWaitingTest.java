package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class QuietWhileWaitingTest {

    @Test
    void onlyJdk17To19GetTheRememberedSetSamplingOptionThatJdk20Removed() {
        assertTrue(QuietWhileWaiting.forJdk(OptionalInt.of(19)).stream()
                .anyMatch(option -> option.startsWith("-XX:G1ConcRefinementServiceIntervalMillis=")));
        assertTrue(QuietWhileWaiting.forJdk(OptionalInt.of(20)).stream()
                .noneMatch(option -> option.startsWith("-XX:G1ConcRefinementServiceIntervalMillis=")));
    }

    @Test
    void anUnknownOrUntriedJdkGetsNoOptions() {
        assertEquals(List.of(), QuietWhileWaiting.forJdk(OptionalInt.empty()));
        assertEquals(List.of(), QuietWhileWaiting.forJdk(OptionalInt.of(QuietWhileWaiting.OLDEST_TRIED - 1)));
        assertEquals(List.of(), QuietWhileWaiting.forJdk(OptionalInt.of(QuietWhileWaiting.NEWEST_TRIED + 1)));
    }
}
