package io.taskhost.host.outcomes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.worker.WorkerReport.ErrorInfo;

/**
 * How one attempt at a task ended, like a test report's entry: passed, or failed with a cause.
 * Stored as JSON in the outcomes list, and in the dead letters for a failure.
 *
 * @param id         the attempt's id, also the dead-letter id
 * @param status     {@code passed} or {@code failed}
 * @param cause      why it failed; absent when it passed
 * @param reason     one sentence a person can act on; absent when it passed
 * @param durationMs how long the operation ran inside the worker
 * @param totalMs    from fetch to record, including the worker JVM's start
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutcomeRecord(
        String id,
        String status,
        Cause cause,
        String reason,
        String queue,
        String host,
        @JsonProperty("class") String taskClass,
        String worker,
        Integer attempt,
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
        Integer exitCode) {

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";

    public boolean passed() {
        return PASSED.equals(status);
    }

    /** The plugin jar that ran the task. */
    public record PluginRef(String id, String version, String sha256, String jar) {
    }
}
