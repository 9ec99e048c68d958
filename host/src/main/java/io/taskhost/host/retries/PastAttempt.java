package io.taskhost.host.retries;

/**
 * One earlier run of a task, as it travels in the payload's {@code _taskhost.history}.
 *
 * @param id    the attempt's id, as in its outcome record
 * @param cause the failure's cause code
 * @param at    epoch millis when it ended
 */
public record PastAttempt(String id, int attempt, String cause, String reason, String host, long at) {
}
