package io.taskhost.host;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a starting host has started so far, each with how to stop it. When a later step fails, the
 * parts are stopped newest first, as a try-with-resources would close them; one that fails to stop
 * does not keep the others running. Once the start succeeds the host owns them all, and its
 * {@code close()} stops them in the order a running host needs.
 */
final class StartedParts {

    /** How one started part is stopped. */
    @FunctionalInterface
    interface Stop {
        void run() throws Exception;
    }

    private final Deque<Stop> stops = new ArrayDeque<>();

    /** Remembers how to stop a part that has just started; returns the part. */
    <T extends AutoCloseable> T add(T part) {
        stops.push(part::close);
        return part;
    }

    /** Remembers how to undo a step that has just taken effect, such as a claimed host id. */
    void onFailure(Stop undo) {
        stops.push(undo);
    }

    /**
     * Stops every part, newest first, after {@code failure} ended the start; what goes wrong while
     * stopping is added to it as suppressed, so that the cause of the failed start stays the exception.
     */
    void stopAll(Throwable failure) {
        boolean interrupted = false;
        while (!stops.isEmpty()) {
            try {
                stops.pop().run();
            } catch (InterruptedException e) {
                interrupted = true;
                failure.addSuppressed(e);
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
