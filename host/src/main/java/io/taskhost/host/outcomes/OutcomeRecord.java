package io.taskhost.host.outcomes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.outcomes.PastAttempt;
import io.taskhost.worker.WorkerReport.ErrorInfo;
import java.util.List;

/**
 * How one attempt at a task ended, like a test report's entry: passed, or failed with a cause.
 * Stored as JSON in the outcomes list, and in the dead letters for a failure.
 *
 * @param id         the attempt's id, also the dead-letter id
 * @param status     {@code passed} or {@code failed}
 * @param cause      why it failed; absent when it passed
 * @param reason     one sentence a person can act on; absent when it passed
 * @param disposition what became of the task, a {@link Disposition#code()}: {@code completed},
 *                   {@code retry_scheduled}, {@code requeued} (at once, after a lost host) or
 *                   {@code dead_lettered}
 * @param retryAt    for a scheduled retry, epoch millis when it falls due
 * @param quarantined whether it was dead-lettered as poison, for killing its workers again and again
 * @param history    the task's earlier failed attempts, oldest first
 * @param durationMs how long the operation ran inside the worker
 * @param totalMs    from fetch to record, including the worker JVM's start
 * @param launch     the worker JVM: {@code cold} (started for the task), {@code spare} (started ahead,
 *                   warm) or {@code reused} (reuse mode, after earlier tasks)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutcomeRecord(
        String id,
        String status,
        Cause cause,
        String reason,
        String disposition,
        Long retryAt,
        Boolean quarantined,
        String queue,
        String host,
        @JsonProperty("class") String taskClass,
        String worker,
        Integer attempt,
        List<PastAttempt> history,
        PluginRef plugin,
        String javaClass,
        String method,
        JsonNode result,
        ErrorInfo error,
        Long fetchedAt,
        Long startedAt,
        Long finishedAt,
        Long durationMs,
        Long totalMs,
        Long pid,
        Integer exitCode,
        String launch) {

    /**
     * The longest reason an attempt's outcome gets, before what became of the task is appended:
     * 8 KiB holds a sentence and a worker's last output (4 KiB at most), and keeps a chatty
     * failure's record small.
     */
    public static final int MAX_REASON_CHARS = 8192;

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";

    public boolean passed() {
        return PASSED.equals(status);
    }

    /**
     * The same record, with what became of the task: {@code disposition}'s code and, for a
     * scheduled retry, when it falls due.
     *
     * @param quarantined true when it is dead-lettered as poison, else null
     * @param reason      the record's reason, with why the task was given up appended, if it was
     */
    public OutcomeRecord disposed(Disposition disposition, Boolean quarantined, String reason) {
        Long retryAt = disposition instanceof Disposition.RetryLater retry ? Long.valueOf(retry.dueAt()) : null;
        return new OutcomeRecord(id, status, cause, reason, disposition.code(), retryAt, quarantined, queue, host,
                taskClass, worker, attempt, history, plugin, javaClass, method, result, error, fetchedAt, startedAt,
                finishedAt, durationMs, totalMs, pid, exitCode, launch);
    }

    /** The plugin jar that ran the task. */
    public record PluginRef(String id, String version, String sha256, String jar) {
    }
}
