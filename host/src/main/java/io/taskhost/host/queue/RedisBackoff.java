package io.taskhost.host.queue;

import java.time.Duration;

/**
 * How long to wait before trying Redis again after it failed, for every loop of the host that
 * must get through to Redis (fetching, putting back leftovers, recording an outcome, reaching the
 * sentinels or cluster nodes at start): a short first wait gets over a blip, a lost reply or a
 * failover's first moments at once, and the wait doubles with each failure in a row up to a
 * ceiling, which bounds both how long the host idles once Redis is back and how often it logs
 * during a long outage. It never gives up: an outage never stops the host.
 *
 * <p>Not {@link io.taskhost.host.retries.RetryPolicy}, which spaces out the retries of a task
 * that failed, with jitter, and in the end gives up on it.
 */
public final class RedisBackoff {

    public static final Duration FIRST_WAIT = Duration.ofMillis(200);
    public static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    private Duration wait = Duration.ZERO;

    /** The wait before the next try, now that one more try in a row has failed. */
    public Duration afterFailure() {
        wait = wait.isZero() ? FIRST_WAIT : min(wait.multipliedBy(2), LONGEST_WAIT);
        return wait;
    }

    /** Redis answered: the next failure waits the first wait again. */
    public void succeeded() {
        wait = Duration.ZERO;
    }

    /** Whether the last try failed and none has succeeded since. */
    public boolean failing() {
        return !wait.isZero();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
