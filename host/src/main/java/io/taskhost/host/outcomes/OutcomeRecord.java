package io.taskhost.host.outcomes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.worker.WorkerReport;
import io.taskhost.worker.WorkerReport.ErrorInfo;
import java.util.List;

/**
 * How one attempt at a task ended, like a test report's entry: passed, or failed with a cause.
 * Stored as JSON in the outcomes list, and in the dead letters for a failure. Built with
 * {@link #builder}, then {@link #disposed} once what becomes of the task is known.
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
 * @param sandbox    the sandbox the worker JVM ran in: {@code bubblewrap} or {@code none}
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
        String launch,
        String sandbox) {

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

    /** The record of attempt {@code id} at a task that {@code host} took from {@code queue}. */
    public static Builder builder(String id, String queue, String host) {
        return new Builder(id, queue, host);
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
                finishedAt, durationMs, totalMs, pid, exitCode, launch, sandbox);
    }

    /** The plugin jar that ran the task. */
    public record PluginRef(String id, String version, String sha256, String jar) {
    }

    /**
     * An outcome record's fields by name; those never set stay out of the JSON. What became of
     * the task is not among them: {@link OutcomeRecord#disposed} adds it.
     */
    public static final class Builder {

        private final String id;
        private final String queue;
        private final String host;
        private String taskClass;
        private String worker;
        private Integer attempt;
        private List<PastAttempt> history;
        private PluginRef plugin;
        private String javaClass;
        private String method;
        private JsonNode result;
        private ErrorInfo error;
        private Long fetchedAt;
        private Long startedAt;
        private Long finishedAt;
        private Long durationMs;
        private Long totalMs;
        private Long pid;
        private Integer exitCode;
        private String launch;
        private String sandbox;

        private Builder(String id, String queue, String host) {
            this.id = id;
            this.queue = queue;
            this.host = host;
        }

        /** The payload's {@code class} and {@code worker}; left unset for a payload that did not parse. */
        public Builder task(String taskClass, String worker) {
            this.taskClass = taskClass;
            this.worker = worker;
            return this;
        }

        /** Which run of the task this was, and its earlier failed attempts: none leaves the field out. */
        public Builder attempt(int attempt, List<PastAttempt> history) {
            this.attempt = attempt;
            this.history = history.isEmpty() ? null : history;
            return this;
        }

        /** The plugin jar and the TaskWorker class the task was routed to. */
        public Builder routedTo(PluginRef plugin, String javaClass) {
            this.plugin = plugin;
            this.javaClass = javaClass;
            return this;
        }

        /** The operation's Java method, for an attempt that was handed to a worker. */
        public Builder method(String method) {
            this.method = method;
            return this;
        }

        /** When the host took the task from the queue, epoch millis. */
        public Builder fetchedAt(long fetchedAt) {
            this.fetchedAt = fetchedAt;
            return this;
        }

        /** When the operation started, or when its worker was handed the task if it never reported. */
        public Builder startedAt(long startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        /** When the operation ended, or when the host gave up on it. */
        public Builder finishedAt(long finishedAt) {
            this.finishedAt = finishedAt;
            return this;
        }

        /** From fetch to record, including the worker JVM's start. */
        public Builder totalMs(long totalMs) {
            this.totalMs = totalMs;
            return this;
        }

        /**
         * The worker JVM that ran the attempt.
         *
         * @param exitCode its exit code if it died before it reported, else null
         * @param launch   {@code cold}, {@code spare} or {@code reused}
         * @param sandbox  {@code bubblewrap} or {@code none}
         */
        public Builder process(long pid, Integer exitCode, String launch, String sandbox) {
            this.pid = pid;
            this.exitCode = exitCode;
            this.launch = launch;
            this.sandbox = sandbox;
            return this;
        }

        /**
         * What the worker reported: its result or error, and the operation's own start, end and
         * duration, which replace the host's view of when it started and ended.
         */
        public Builder reported(WorkerReport report) {
            this.result = report.result();
            this.error = report.error();
            this.startedAt = report.startedAt();
            this.finishedAt = report.finishedAt();
            this.durationMs = report.finishedAt() - report.startedAt();
            return this;
        }

        public OutcomeRecord passed() {
            return build(PASSED, null, null);
        }

        /** @param reason one sentence a person can act on */
        public OutcomeRecord failed(Cause cause, String reason) {
            return build(FAILED, cause, reason);
        }

        private OutcomeRecord build(String status, Cause cause, String reason) {
            return new OutcomeRecord(id, status, cause, reason, null, null, null, queue, host, taskClass, worker,
                    attempt, history, plugin, javaClass, method, result, error, fetchedAt, startedAt, finishedAt,
                    durationMs, totalMs, pid, exitCode, launch, sandbox);
        }
    }
}
