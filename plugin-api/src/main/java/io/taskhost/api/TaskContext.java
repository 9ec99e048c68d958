package io.taskhost.api;

import java.time.Instant;
import java.util.Optional;

/**
 * What an operation may know about the task it runs. Declare it as the last parameter of a
 * {@code _task_} method to receive it.
 */
public interface TaskContext {

    /** The id taskhost gave this attempt; it appears in the outcome record and in the host's log. */
    String taskId();

    /** 1 for the first run of the task, higher for a retry. */
    int attempt();

    /** The payload's {@code class}, as the producer sent it (or the configured default). */
    String taskClass();

    /** The payload's {@code worker}: the operation's name without the {@code _task_} prefix. */
    String worker();

    /** A logger whose lines reach the host's log tagged with this task's id and plugin. */
    System.Logger logger();

    /** When the host will stop waiting for this task, if it has a time limit. */
    Optional<Instant> deadline();
}
