package io.taskhost.api;

import org.pf4j.ExtensionPoint;

/**
 * A class of tasks that taskhost can run. Annotate the implementation with
 * {@link org.pf4j.Extension @Extension} so that PF4J indexes it.
 *
 * <p>Each public method named {@code _task_<worker>} is an operation: a payload
 * {@code {"class": "MailTasks", "worker": "send_welcome_mail", "params": {...}}} runs
 * {@code _task_send_welcome_mail} on the TaskWorker that answers to {@code MailTasks}. That is
 * its simple class name, plus any name listed in {@link TaskClass @TaskClass}.
 *
 * <p>An operation takes one of these parameter lists:
 * <ul>
 *   <li>nothing;</li>
 *   <li>the params, as a Jackson {@code JsonNode}, a {@code Map<String, Object>}, a {@code String}
 *       holding the raw JSON text, or any type that Jackson can bind (a POJO or a record);</li>
 *   <li>either of the above followed by a {@link TaskContext}.</li>
 * </ul>
 * A PHP producer writes an empty array as {@code []}: {@code "params": []} and a missing
 * {@code params} both bind as an empty object, except to a {@code String}, which receives the
 * text as sent ({@code "[]"}, or {@code "null"} when absent).
 *
 * <p>The returned value, if any, is serialized to JSON and stored as the task's result. An
 * exception fails the task; its class, message and stack trace are recorded.
 *
 * <p>Every task runs in a fresh JVM with a fresh instance, so fields never leak between tasks.
 * Delivery is at least once: write operations that are safe to run twice.
 */
public interface TaskWorker extends ExtensionPoint {
}
