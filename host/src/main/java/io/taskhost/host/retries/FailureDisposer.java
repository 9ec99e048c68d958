package io.taskhost.host.retries;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.Disposition;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.outcomes.PastAttempt;
import io.taskhost.host.payload.TaskEnvelope;
import java.time.Clock;
import java.util.function.DoubleSupplier;

/** Turns a failed attempt into its disposition: a retry carrying the history, or a dead letter. */
public final class FailureDisposer {

    /** An outcome record that says what became of the task, and the matching Redis move. */
    public record Disposed(OutcomeRecord outcome, Disposition disposition) {
    }

    private final RetryPolicy policy;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final DoubleSupplier random;
    private final int maxPayloadBytes;

    /** @param maxPayloadBytes the largest payload the host reads: a retry's payload must not be larger */
    public FailureDisposer(RetryPolicy policy, ObjectMapper mapper, Clock clock, DoubleSupplier random,
                           int maxPayloadBytes) {
        this.policy = policy;
        this.mapper = mapper;
        this.clock = clock;
        this.random = random;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public static Disposed completed(OutcomeRecord passed) {
        return disposed(passed, new Disposition.Completed(), null, passed.reason());
    }

    /**
     * @param immediately put a retry back on the queue now instead of after the backoff, as for
     *                    a task whose host was lost: it did not fail, it never finished
     */
    public Disposed failed(OutcomeRecord outcome, TaskEnvelope envelope, int maxAttempts, boolean unrecoverable,
                           boolean immediately) {
        RetryPolicy.Decision decision = policy.decide(outcome.cause(), unrecoverable, envelope.attempt(),
                envelope.deaths(), maxAttempts, random);
        long now = clock.millis();
        if (decision instanceof RetryPolicy.Retry retry) {
            var past = PastAttempt.of(outcome.id(), envelope.attempt(), outcome.cause().code(), outcome.reason(),
                    outcome.host(), now);
            byte[] next = envelope.next(past, mapper);
            if (next.length > maxPayloadBytes) {
                return deadLettered(outcome, envelope, null, "not retried: with this attempt in its history, its"
                        + " payload would be " + next.length + " bytes, above max-payload-bytes (" + maxPayloadBytes
                        + "), and the retry would fail unread");
            }
            Disposition again = immediately ? new Disposition.Requeue(next)
                    : new Disposition.RetryLater(next, now + retry.delay().toMillis());
            return disposed(outcome, again, null, outcome.reason());
        }
        var giveUp = (RetryPolicy.GiveUp) decision;
        return deadLettered(outcome, envelope, giveUp.quarantined() ? Boolean.TRUE : null, giveUp.why());
    }

    private static Disposed deadLettered(OutcomeRecord outcome, TaskEnvelope envelope, Boolean quarantined,
                                         String why) {
        return disposed(outcome, new Disposition.DeadLetter(envelope.original()), quarantined,
                outcome.reason() + "; " + why);
    }

    private static Disposed disposed(OutcomeRecord outcome, Disposition disposition, Boolean quarantined,
                                     String reason) {
        return new Disposed(outcome.disposed(disposition, quarantined, reason), disposition);
    }
}
