package io.taskhost.host.launch;

import io.taskhost.worker.WorkerReport;
import java.util.List;

/**
 * What the host saw of one worker JVM.
 *
 * @param report     the worker's report, or {@code null} if it died before reporting
 * @param exitCode   the JVM's exit code; above 128 means killed by signal (exitCode - 128)
 * @param timedOut   whether the host killed it for running past its deadline
 * @param spawnedAt  epoch millis when the host started the process
 * @param outputTail the last lines the worker wrote besides its report (the JVM writes some
 *                   fatal errors to stdout), to explain a death
 */
public record WorkerRun(WorkerReport report, int exitCode, long pid, boolean timedOut, long spawnedAt,
                        List<String> outputTail) {
}
