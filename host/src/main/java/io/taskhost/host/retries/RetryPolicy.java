package io.taskhost.host.retries;

import io.taskhost.host.payload.TaskEnvelope;
import java.time.Duration;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * What happens to a task after a failed attempt: run it again after a backoff, or give up and
 * dead-letter it. Exponential backoff with "equal jitter": the n-th retry waits between half and
 * all of {@code min(maxBackoff, backoff * 2^(n-1))}, so retries of many tasks that failed together
 * spread out instead of returning in a herd.
 *
 * @param poisonDeaths after this many runs that died (worker exit or kill, timeout, lost host),
 *                     the task is quarantined in the dead letters even if attempts remain
 */
public record RetryPolicy(Duration backoff, Duration maxBackoff, int poisonDeaths) {

    /** Causes a retry cannot fix: the payload, the routing or the result's size is wrong, not the moment. */
    private static final Set<String> NEVER_RETRY = Set.of("bad_payload", "unknown_class", "unknown_operation",
            "host_error", "report_too_large");

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
    public Decision decide(String cause, boolean unrecoverable, int attempt, int deathsBefore, int maxAttempts,
                           DoubleSupplier random) {
        if (NEVER_RETRY.contains(cause)) {
            return new GiveUp("not retried: a retry cannot fix " + cause, false);
        }
        if (unrecoverable) {
            return new GiveUp("not retried: the operation threw UnrecoverableTaskException", false);
        }
        int deaths = deathsBefore + (TaskEnvelope.DEATHS.contains(cause) ? 1 : 0);
        if (deaths >= poisonDeaths) {
            return new GiveUp("quarantined as poison: its runs died " + deaths + " times", true);
        }
        if (attempt >= maxAttempts) {
            return new GiveUp("gave up after " + attempt + " attempt" + (attempt == 1 ? "" : "s"), false);
        }
        return new Retry(delay(attempt, random));
    }

    Duration delay(int attempt, DoubleSupplier random) {
        long ceiling = backoff.toMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(ceiling < 0 ? Long.MAX_VALUE : ceiling, maxBackoff.toMillis());
        return Duration.ofMillis(capped / 2 + (long) (random.getAsDouble() * (capped - capped / 2)));
    }
}
