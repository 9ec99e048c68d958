package io.taskhost.host.liveness;

import io.taskhost.host.outcomes.Cause;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.payload.BadPayloadException;
import io.taskhost.host.payload.Payload;
import io.taskhost.host.payload.PayloadParser;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.retries.FailureDisposer;
import io.taskhost.host.payload.TaskEnvelope;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Puts the tasks of a host that died back on the queue: each gets an outcome record with the
 * cause {@code host_lost}, its attempt count raised, and goes to the consuming end of the queue,
 * or to the dead letters if it has used up its attempts or keeps killing its runs. Each task
 * moves in one script, so a recovery that is itself interrupted loses nothing.
 */
public final class TaskRecovery {

    private static final Logger log = LoggerFactory.getLogger(TaskRecovery.class);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final OutcomeLog outcomes;
    private final FailureDisposer disposer;
    private final PayloadParser parser;
    private final String recoveringHostId;
    private final int maxAttempts;

    /** @param maxAttempts the host's default; a lost task's operation is not looked up */
    public TaskRecovery(UnifiedJedis redis, QueueKeys keys, OutcomeLog outcomes, FailureDisposer disposer,
                        PayloadParser parser, String recoveringHostId, int maxAttempts) {
        this.redis = redis;
        this.keys = keys;
        this.outcomes = outcomes;
        this.disposer = disposer;
        this.parser = parser;
        this.recoveringHostId = recoveringHostId;
        this.maxAttempts = maxAttempts;
    }

    /** @return how many tasks were taken off {@code lostHostId}'s processing list */
    public int recover(String lostHostId) {
        String processing = keys.processing(lostHostId);
        byte[] processingKey = processing.getBytes(StandardCharsets.UTF_8);
        int recovered = 0;
        byte[] entry;
        while ((entry = redis.lindex(processingKey, -1)) != null) {
            TaskEntry task = TaskEntry.read(entry);
            FailureDisposer.Disposed disposed = dispose(task, lostHostId);
            if (outcomes.record(processing, entry, disposed.outcome(), disposed.disposition())) {
                recovered++;
                log.warn("recovered task {} of lost host {}: {}", disposed.outcome().id(), lostHostId,
                        disposed.outcome().disposition());
            }
        }
        return recovered;
    }

    /** A bug in handling one task must not stop the recovery of the others: that task is dead-lettered. */
    private FailureDisposer.Disposed dispose(TaskEntry task, String lostHostId) {
        try {
            return dispose(task.id(), task.payload(), lostHostId);
        } catch (RuntimeException e) {
            log.error("task {} of lost host {} hit a taskhost bug; it is dead-lettered so that it is not lost", task.id(),
                    lostHostId, e);
            TaskEnvelope asIs = TaskEnvelope.firstRun(task.payload());
            return disposer.failed(outcome(task.id(), Cause.HOST_ERROR, "taskhost failed while recovering it from lost"
                    + " host " + lostHostId + ": " + e, null, null, asIs), asIs, 1, false, true);
        }
    }

    private FailureDisposer.Disposed dispose(String id, byte[] payload, String lostHostId) {
        String lost = lostHostId.equals(recoveringHostId)
                ? "host " + lostHostId + " stopped while the task was running; it was recovered when the host restarted"
                : "host " + lostHostId + " stopped renewing its heartbeat while the task was running; recovered by "
                        + recoveringHostId;
        Payload parsed;
        try {
            parsed = parser.parse(payload);
        } catch (BadPayloadException e) {
            // It was taken before anything read it, or written there by hand: it cannot run, so it is not requeued.
            String reason = "payload " + e.getMessage() + " (found in the processing list of " + lostHostId + ", " + lost
                    + ")";
            TaskEnvelope asIs = TaskEnvelope.firstRun(payload);
            return disposer.failed(outcome(id, Cause.BAD_PAYLOAD, reason, null, null, asIs), asIs, 1, false, true);
        }
        TaskEnvelope envelope = parsed.envelope();
        return disposer.failed(outcome(id, Cause.HOST_LOST, lost, parsed.taskClass(), parsed.worker(), envelope), envelope,
                maxAttempts, false, true);
    }

    private OutcomeRecord outcome(String id, Cause cause, String reason, String taskClass, String worker,
                                  TaskEnvelope envelope) {
        return OutcomeRecord.builder(id, keys.queue(), recoveringHostId)
                .task(taskClass, worker)
                .attempt(envelope.attempt(), envelope.history())
                .finishedAt(System.currentTimeMillis())
                .failed(cause, reason);
    }
}
