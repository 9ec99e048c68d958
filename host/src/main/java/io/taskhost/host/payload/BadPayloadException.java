package io.taskhost.host.payload;

/** A payload that is not a task; the message says what is wrong with it. */
public final class BadPayloadException extends Exception {

    BadPayloadException(String message) {
        super(message);
    }
}
