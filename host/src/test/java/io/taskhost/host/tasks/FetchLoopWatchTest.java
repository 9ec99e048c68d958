package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the fetch loop counts as stuck, for /health. */
class FetchLoopWatchTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final FetchLoopWatch watch = new FetchLoopWatch(Duration.ofSeconds(14), nanos::get);

    @Test
    void aFetchThatLastsPastTheLimitIsStuck() {
        watch.enter(FetchLoopWatch.Activity.FETCHING);
        advance(Duration.ofSeconds(14));
        assertTrue(watch.status(true).ok(), watch.status(true).detail());
        advance(Duration.ofMillis(1));
        FetchLoopStatus stuck = watch.status(true);
        assertFalse(stuck.ok());
        assertEquals("stuck: fetching for 14001 ms, longer than 14000 ms", stuck.detail());
    }

    @Test
    void waitingForASlotOrForRedisIsNeverStuck() {
        watch.enter(FetchLoopWatch.Activity.WAITING_FOR_SLOT);
        advance(Duration.ofHours(2));
        assertTrue(watch.status(true).ok());
        watch.enter(FetchLoopWatch.Activity.BACKING_OFF);
        advance(Duration.ofHours(2));
        assertTrue(watch.status(true).ok());
    }

    @Test
    void aRecoveryThatNeverEndsIsStuck() {
        advance(Duration.ofMinutes(1));
        assertFalse(watch.status(true).ok());
    }

    @Test
    void aDeadFetcherThreadIsNotOk() {
        watch.enter(FetchLoopWatch.Activity.WAITING_FOR_SLOT);
        FetchLoopStatus dead = watch.status(false);
        assertFalse(dead.ok());
        assertEquals("the fetch loop is not running", dead.detail());
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
