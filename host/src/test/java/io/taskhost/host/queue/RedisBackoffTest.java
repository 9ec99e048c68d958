package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisBackoffTest {

    @Test
    void theWaitDoublesWithEachFailureInARowUpToTheCeilingAndNeverGivesUp() {
        var backoff = new RedisBackoff();
        List<Long> waits = new ArrayList<>();
        for (int failure = 0; failure < 1000; failure++) {
            waits.add(backoff.afterFailure().toMillis());
        }
        assertEquals(List.of(200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L), waits.subList(0, 7));
        assertEquals(5000L, waits.get(999));
    }

    @Test
    void anAnswerStartsTheWaitsOverAndEndsTheFailing() {
        var backoff = new RedisBackoff();
        assertFalse(backoff.failing());
        backoff.afterFailure();
        backoff.afterFailure();
        assertTrue(backoff.failing());

        backoff.succeeded();

        assertFalse(backoff.failing());
        assertEquals(Duration.ofMillis(200), backoff.afterFailure());
    }
}
