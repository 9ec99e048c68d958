package io.taskhost.host.liveness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.Cause;
import io.taskhost.host.outcomes.Disposition;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.retries.FailureDisposer;
import io.taskhost.host.retries.TaskEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
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
    private final ObjectMapper mapper;
    private final String recoveringHostId;
    private final int maxAttempts;

    /** @param maxAttempts the host's default; a lost task's operation is not looked up */
    public TaskRecovery(UnifiedJedis redis, QueueKeys keys, OutcomeLog outcomes, FailureDisposer disposer,
                        ObjectMapper mapper, String recoveringHostId, int maxAttempts) {
        this.redis = redis;
        this.keys = keys;
        this.outcomes = outcomes;
        this.disposer = disposer;
        this.mapper = mapper;
        this.recoveringHostId = recoveringHostId;
        this.maxAttempts = maxAttempts;
    }

    /** @return how many tasks were taken off {@code lostHostId}'s processing list */
    public int recover(String lostHostId) {
        String processing = keys.processing(lostHostId);
        byte[] processingKey = processing.getBytes(StandardCharsets.UTF_8);
        int recovered = 0;
        byte[] payload;
        while ((payload = redis.lindex(processingKey, -1)) != null) {
            FailureDisposer.Disposed disposed = dispose(payload, lostHostId);
            if (outcomes.record(processing, payload, disposed.outcome(), disposed.disposition())) {
                recovered++;
                log.warn("recovered task {} of lost host {}: {}", disposed.outcome().id(), lostHostId,
                        disposed.outcome().disposition());
            }
        }
        return recovered;
    }

    private FailureDisposer.Disposed dispose(byte[] payload, String lostHostId) {
        JsonNode root = parse(payload);
        String reason = lostHostId.equals(recoveringHostId)
                ? "host " + lostHostId + " stopped while the task was running; it was recovered when the host restarted"
                : "host " + lostHostId + " stopped renewing its heartbeat while the task was running; recovered by "
                        + recoveringHostId;
        TaskEnvelope envelope = TaskEnvelope.isObject(root) ? TaskEnvelope.of(payload, root, mapper)
                : TaskEnvelope.firstRun(payload);
        var outcome = new OutcomeRecord(UUID.randomUUID().toString(), OutcomeRecord.FAILED, Cause.HOST_LOST, reason,
                null, null, null, keys.queue(), recoveringHostId, text(root, "class"), text(root, "worker"),
                envelope.attempt(), envelope.history().isEmpty() ? null : envelope.history(), null, null, null, null,
                null, null, null, System.currentTimeMillis(), null, null, null, null, null);
        if (!TaskEnvelope.isObject(root)) {
            return new FailureDisposer.Disposed(outcome.disposed("requeued", null, null, reason),
                    new Disposition.Requeue(payload));
        }
        return disposer.failed(outcome, envelope, maxAttempts, false, true);
    }

    private JsonNode parse(byte[] payload) {
        try {
            return mapper.readTree(payload);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(JsonNode root, String field) {
        return root != null && root.path(field).isTextual() ? root.path(field).asText() : null;
    }
}
