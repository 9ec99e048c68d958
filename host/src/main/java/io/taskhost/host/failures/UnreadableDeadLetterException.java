package io.taskhost.host.failures;

/** A dead letter's record in Redis is not the JSON object taskhost writes, so it cannot be shown. */
public final class UnreadableDeadLetterException extends RuntimeException {

    UnreadableDeadLetterException(String message, Throwable cause) {
        super(message, cause);
    }
}
