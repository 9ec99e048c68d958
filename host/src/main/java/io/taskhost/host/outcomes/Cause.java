package io.taskhost.host.outcomes;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * Why a task failed, as the {@code cause} field of its outcome record, and what that means for
 * the task: whether running it again can help, and whether its run died rather than failed.
 */
public enum Cause {
    /** The operation threw; {@code error} holds the exception. */
    EXCEPTION("exception", Retry.CAN_HELP, Run.FAILED),
    /** The worker JVM exited before it reported, for example through {@code System.exit}. */
    WORKER_EXIT("worker_exit", Retry.CAN_HELP, Run.DIED),
    /** The worker JVM was killed by a signal. */
    WORKER_KILLED("worker_killed", Retry.CAN_HELP, Run.DIED),
    /** The worker JVM ran out of heap and exited ({@code -XX:+ExitOnOutOfMemoryError}). */
    OUT_OF_MEMORY("out_of_memory", Retry.CAN_HELP, Run.DIED),
    /** The host running the task died; another host, or its restart, put the task back. */
    HOST_LOST("host_lost", Retry.CAN_HELP, Run.DIED),
    /** The operation ran past its time limit and the host killed its worker. */
    TIMEOUT("timeout", Retry.CAN_HELP, Run.DIED),
    /** The payload is not a task: not JSON, not an object, or missing or mistyped fields. */
    BAD_PAYLOAD("bad_payload", Retry.CANNOT_HELP, Run.FAILED),
    /** No loaded plugin provides the payload's {@code class}. */
    UNKNOWN_CLASS("unknown_class", Retry.CANNOT_HELP, Run.FAILED),
    /** The class exists but has no operation {@code _task_<worker>}. */
    UNKNOWN_OPERATION("unknown_operation", Retry.CANNOT_HELP, Run.FAILED),
    /**
     * The worker's report was longer than the host reads ({@code WorkerProtocol.MAX_REPORT_BYTES}):
     * a result that large belongs in a store of its own. Not retried: it would be as large again.
     */
    REPORT_TOO_LARGE("report_too_large", Retry.CANNOT_HELP, Run.FAILED),
    /** The worker JVM could not be started. */
    LAUNCH_FAILED("launch_failed", Retry.CAN_HELP, Run.FAILED),
    /** taskhost itself failed while handling the task; the log has the stack trace. */
    HOST_ERROR("host_error", Retry.CANNOT_HELP, Run.FAILED);

    private enum Retry { CAN_HELP, CANNOT_HELP }

    private enum Run { FAILED, DIED }

    private final String code;
    private final boolean retryable;
    private final boolean death;

    Cause(String code, Retry retry, Run run) {
        this.code = code;
        this.retryable = retry == Retry.CAN_HELP;
        this.death = run == Run.DIED;
    }

    /** The cause as outcome records and attempt histories spell it. */
    @JsonValue
    public String code() {
        return code;
    }

    /**
     * Whether running the task again can help. It cannot when the payload, its routing or the
     * size of its result is wrong rather than the moment, nor after a taskhost bug.
     */
    public boolean retryable() {
        return retryable;
    }

    /**
     * Whether the task's run died (its worker exited or was killed, it ran out of time or memory,
     * its host was lost) rather than failed: deaths count towards quarantining a task as poison.
     */
    public boolean death() {
        return death;
    }

    /** The cause spelled {@code code}, if there is one: histories written by other versions may name others. */
    public static Optional<Cause> ofCode(String code) {
        return Arrays.stream(values()).filter(cause -> cause.code.equals(code)).findFirst();
    }
}
