package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartsBesideTest {

    @TempDir
    Path directory;

    @Test
    void eachCommandsTimingCoversEveryRoundInTheOrderTheCommandsWereGiven() throws Exception {
        var beside = new StartsBeside(new StartTimings(2, directory),
                List.of(List.of("true"), List.of("sh", "-c", "exit 0")), 2);
        beside.round();
        beside.round();

        List<StartTimings.Timing> timings = beside.timings();

        assertEquals(2, timings.size());
        for (StartTimings.Timing timing : timings) {
            assertTrue(timing.startsPerSecond() > 0 && Double.isFinite(timing.startsPerSecond()), timing.toString());
            assertTrue(timing.wallMillis() > 0, timing.toString());
        }
    }

    @Test
    void noTimingIsGivenBeforeAnyRoundWasTimed() {
        var beside = new StartsBeside(new StartTimings(1, directory), List.of(List.of("true")), 1);

        assertThrows(IllegalStateException.class, beside::timings);
    }

    @Test
    void aRoundOfNoStartsIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new StartsBeside(new StartTimings(1, directory), List.of(List.of("true")), 0));
    }
}
