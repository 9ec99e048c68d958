package io.taskhost.host.outcomes;

import io.taskhost.host.outcomes.Excerpt;

/**
 * One earlier run of a task, as it travels in the payload's {@code _taskhost.history}.
 *
 * @param id     the attempt's id, as in its outcome record
 * @param cause  the failure's cause code
 * @param reason the start of the outcome's reason, at most {@link #MAX_REASON_CHARS} characters and a
 *               note: the whole reason is in the attempt's outcome record
 * @param at     epoch millis when it ended
 */
public record PastAttempt(String id, int attempt, String cause, String reason, String host, long at) {

    /** Short, so that a payload's history grows by well under 1 KiB an attempt. */
    public static final int MAX_REASON_CHARS = 500;

    /** The entry for a failed attempt, its reason cut to {@link #MAX_REASON_CHARS}. */
    public static PastAttempt of(String id, int attempt, String cause, String reason, String host, long at) {
        return new PastAttempt(id, attempt, cause, Excerpt.of(reason, MAX_REASON_CHARS), host, at);
    }
}
