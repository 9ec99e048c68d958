package io.taskhost.host.retries;

import io.taskhost.host.outcomes.Cause;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * What happens to a task after a failed attempt: run it again after a backoff, or give up and
 * dead-letter it. Exponential backoff with "equal jitter": the n-th retry waits between half and
 * all of {@code min(maxBackoff, backoff * 2^(n-1))}, so retries of many tasks that failed together
 * spread out instead of returning in a herd.
 *
 * @param poisonDeaths after this many runs that died ({@link Cause#death()}),
 *                     the task is quarantined in the dead letters even if attempts remain
 */
public record RetryPolicy(Duration backoff, Duration maxBackoff, int poisonDeaths) {

    /** The verdict for one failed attempt. */
    public sealed interface Decision {
    }

    /** @param delay how long to wait before the next attempt */
    public record Retry(Duration delay) implements Decision {
    }

    /** @param why appended to the outcome's reason in the dead letters */
    public record GiveUp(String why, boolean quarantined) implements Decision {
    }

    /**
     * @param attempt       the number of the attempt that failed
     * @param deathsBefore  how many earlier attempts died
     * @param unrecoverable the operation threw {@code UnrecoverableTaskException}
     */
    public Decision decide(Cause cause, boolean unrecoverable, int attempt, int deathsBefore, int maxAttempts,
                           DoubleSupplier random) {
        if (!cause.retryable()) {
            return cannotBeRetried(cause);
        }
        if (unrecoverable) {
            return new GiveUp("not retried: the operation threw UnrecoverableTaskException", false);
        }
        int deaths = deathsBefore + (cause.death() ? 1 : 0);
        if (deaths >= poisonDeaths) {
            return new GiveUp("quarantined as poison: its runs died " + deaths + " times", true);
        }
        if (attempt >= maxAttempts) {
            return new GiveUp("gave up after " + attempt + " attempt" + (attempt == 1 ? "" : "s"), false);
        }
        return new Retry(delay(attempt, random));
    }

    /** The verdict for a failure whose {@code cause} a retry cannot fix, whoever decides it. */
    public static GiveUp cannotBeRetried(Cause cause) {
        if (cause.retryable()) {
            throw new IllegalArgumentException("a retry can fix " + cause.code());
        }
        return new GiveUp("not retried: a retry cannot fix " + cause.code(), false);
    }

    Duration delay(int attempt, DoubleSupplier random) {
        long ceiling = backoff.toMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(ceiling < 0 ? Long.MAX_VALUE : ceiling, maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + (long) (random.getAsDouble() * (capped - capped / 2)));
    }
}
