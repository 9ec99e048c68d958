package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class HostWatchdogTest {

    private static final long HOST = 4242;
    private static final long AN_HOUR = Duration.ofHours(1).toNanos();
    private static final Duration WITHIN = Duration.ofSeconds(10);

    /** A host that stays alive, counting the watchdog's looks at it. */
    private static final class LiveHost extends ProcessIds {
        final AtomicInteger looks = new AtomicInteger();

        LiveHost() {
            super(false);
        }

        @Override
        long parentPid(long whenNone) {
            looks.incrementAndGet();
            return HOST;
        }
    }

    @Test
    void aWaitingWorkersWatchdogLooksOnceAndThenWaitsForItsLongPause() {
        var host = new LiveHost();
        Thread thread = new HostWatchdog(host, HOST, 1_000_000L, AN_HOUR, 99).start();

        await("the watchdog parks", () -> thread.getState() == Thread.State.TIMED_WAITING);
        assertEquals(1, host.looks.get(), "a waiting worker's watchdog does not look at the running cadence");
    }

    @Test
    void aTaskThatStartsMakesTheWatchdogLookAtOnceAndThenAtTheRunningCadence() {
        var host = new LiveHost();
        var watchdog = new HostWatchdog(host, HOST, 1_000_000L, AN_HOUR, 99);
        Thread thread = watchdog.start();
        await("the watchdog parks for its long pause", () -> thread.getState() == Thread.State.TIMED_WAITING
                && host.looks.get() == 1);

        watchdog.taskStarts();

        await("the watchdog looks again and again while the task runs", () -> host.looks.get() > 20);
    }

    @Test
    void tasksThatFollowEachOtherWakeTheWatchdogOnlyFromItsLongPause() {
        var host = new LiveHost();
        var watchdog = new HostWatchdog(host, HOST, AN_HOUR, AN_HOUR, 99);
        Thread thread = watchdog.start();
        await("the watchdog parks for its long pause", () -> watchdog.inLongPause()
                && thread.getState() == Thread.State.TIMED_WAITING && host.looks.get() == 1);

        watchdog.taskStarts();
        await("the first task's start makes it look and park at the running cadence", () -> !watchdog.inLongPause()
                && thread.getState() == Thread.State.TIMED_WAITING && host.looks.get() == 2);
        for (int i = 0; i < 1000; i++) {
            watchdog.taskEnded();
            watchdog.taskStarts();
        }

        assertEquals(2, host.looks.get(), "a task that starts while the watchdog is at the running cadence leaves it asleep");
        assertEquals(Thread.State.TIMED_WAITING, thread.getState());
    }

    @Test
    void afterTheLastTaskOfABurstTheWatchdogGoesBackToItsLongPause() {
        var host = new LiveHost();
        var watchdog = new HostWatchdog(host, HOST, 1_000_000L, AN_HOUR, 99);
        Thread thread = watchdog.start();
        await("the watchdog parks for its long pause", () -> watchdog.inLongPause() && host.looks.get() == 1);

        watchdog.taskStarts();
        await("the watchdog looks at the running cadence", () -> host.looks.get() > 3);
        watchdog.taskEnded();

        await("the watchdog takes its long pause again", () -> watchdog.inLongPause()
                && thread.getState() == Thread.State.TIMED_WAITING);
        int looks = host.looks.get();
        watchdog.taskStarts();
        await("a task's start wakes it from there at once", () -> host.looks.get() > looks);
    }

    private static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + WITHIN + " waiting until " + what);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }
}
