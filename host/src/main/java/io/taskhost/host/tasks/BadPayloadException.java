package io.taskhost.host.tasks;

/** A payload that is not a task; the message says what is wrong with it. */
final class BadPayloadException extends Exception {

    BadPayloadException(String message) {
        super(message);
    }
}
