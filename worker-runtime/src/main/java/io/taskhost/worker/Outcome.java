package io.taskhost.worker;

/**
 * How an operation ended, as a worker holds it until it writes the report: a {@link WorkerReport}
 * whose result is still JSON text.
 *
 * @param resultJson the returned value as compact JSON, or {@code null} for {@code void}, null and failures
 */
record Outcome(
        boolean passed,
        String resultJson,
        WorkerReport.ErrorInfo error,
        long startedAt,
        long finishedAt,
        long pid,
        boolean unrecoverable) {
}
