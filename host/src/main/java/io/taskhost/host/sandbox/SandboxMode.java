package io.taskhost.host.sandbox;

import java.util.Locale;

/** Whether worker JVMs run in an operating-system sandbox: {@code --worker-sandbox}. */
public enum SandboxMode {
    /** Sandboxed where this machine allows it; otherwise one warning at start, naming what is missing. */
    AUTO,
    /** Sandboxed, or the host refuses to start. */
    REQUIRED,
    /** As before the sandbox: workers run with the host's user and see what it sees. */
    OFF;

    /** @throws IllegalArgumentException naming the accepted values */
    public static SandboxMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("worker-sandbox must be auto, required or off, not \"" + value + "\"", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
