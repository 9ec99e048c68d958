package io.taskhost.worker;

/** A plugin that cannot be used as it is; the message says why and what to do, without naming the file. */
public final class PluginReadException extends Exception {

    PluginReadException(String message) {
        super(message);
    }

    PluginReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
