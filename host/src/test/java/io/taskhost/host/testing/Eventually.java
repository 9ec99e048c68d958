package io.taskhost.host.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling; never a bare sleep. */
public final class Eventually {

    private static final long POLL_MILLIS = 50;

    private Eventually() {
    }

    public static void within(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for: " + what);
            }
            pause();
        }
    }

    public static <T> T value(Duration deadline, String what, Supplier<T> valueOrNull) {
        long end = System.nanoTime() + deadline.toNanos();
        T value;
        while ((value = valueOrNull.get()) == null) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for: " + what);
            }
            pause();
        }
        return value;
    }

    private static void pause() {
        LockSupport.parkNanos(POLL_MILLIS * 1_000_000);
        if (Thread.interrupted()) {
            throw new AssertionError("interrupted while waiting");
        }
    }
}
