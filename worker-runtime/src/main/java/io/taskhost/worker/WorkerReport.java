package io.taskhost.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a worker JVM tells the host when its operation has ended.
 *
 * @param passed   whether the operation returned normally
 * @param result   the returned value as JSON, or {@code null} for {@code void} and failures
 * @param error    why it failed, or {@code null} when it passed
 * @param startedAt epoch millis just before the operation was invoked
 * @param finishedAt epoch millis just after it returned or threw
 * @param pid      the worker JVM's process id
 * @param unrecoverable whether the operation threw {@code UnrecoverableTaskException}: no retry
 */
public record WorkerReport(
        boolean passed,
        JsonNode result,
        ErrorInfo error,
        long startedAt,
        long finishedAt,
        long pid,
        boolean unrecoverable) {

    /** An exception as the outcome record keeps it. */
    public record ErrorInfo(String type, String message, String stackTrace) {

        public static ErrorInfo of(Throwable failure) {
            var trace = new java.io.StringWriter();
            failure.printStackTrace(new java.io.PrintWriter(trace));
            return new ErrorInfo(failure.getClass().getName(), failure.getMessage(), trace.toString());
        }
    }
}
