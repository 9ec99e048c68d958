package io.taskhost.host.outcomes;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a task failed, as the {@code cause} field of its outcome record. */
public enum Cause {
    /** The operation threw; {@code error} holds the exception. */
    EXCEPTION("exception"),
    /** The worker JVM exited before it reported, for example through {@code System.exit}. */
    WORKER_EXIT("worker_exit"),
    /** The worker JVM was killed by a signal. */
    WORKER_KILLED("worker_killed"),
    /** The worker JVM ran out of heap and exited ({@code -XX:+ExitOnOutOfMemoryError}). */
    OUT_OF_MEMORY("out_of_memory"),
    /** The host running the task died; another host, or its restart, put the task back. */
    HOST_LOST("host_lost"),
    /** The operation ran past its time limit and the host killed its worker. */
    TIMEOUT("timeout"),
    /** The payload is not a task: not JSON, not an object, or missing or mistyped fields. */
    BAD_PAYLOAD("bad_payload"),
    /** No loaded plugin provides the payload's {@code class}. */
    UNKNOWN_CLASS("unknown_class"),
    /** The class exists but has no operation {@code _task_<worker>}. */
    UNKNOWN_OPERATION("unknown_operation"),
    /**
     * The worker's report was longer than the host reads ({@code WorkerProtocol.MAX_REPORT_BYTES}):
     * a result that large belongs in a store of its own. Not retried: it would be as large again.
     */
    REPORT_TOO_LARGE("report_too_large"),
    /** The worker JVM could not be started. */
    LAUNCH_FAILED("launch_failed"),
    /** taskhost itself failed while handling the task; the log has the stack trace. */
    HOST_ERROR("host_error");

    private final String code;

    Cause(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }
}
