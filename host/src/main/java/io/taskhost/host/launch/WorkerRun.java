package io.taskhost.host.launch;

import io.taskhost.worker.WorkerProtocol;
import io.taskhost.worker.WorkerReport;
import java.util.List;

/**
 * What the host saw of one task's worker JVM.
 *
 * @param report     the worker's report, or {@code null} if it died before reporting
 * @param exitCode   the exit code of a JVM that died before it reported; above 128 means killed by
 *                   signal (exitCode - 128); null once it has reported, for its exit is not waited for
 * @param timedOut   whether the host killed it for running past its deadline
 * @param assignedAt epoch millis when the host handed the task to the JVM
 * @param outputTail the last lines the worker wrote besides its report (the JVM writes some
 *                   fatal errors to stdout), to explain a death
 * @param launch     {@code cold}, {@code spare} or {@code reused}: see {@link WorkerLauncher}
 * @param sandbox    the sandbox the worker ran in: {@code bubblewrap} or {@code none}
 * @param limitReached which of its limits the worker reached, such as its process limit, for a task that
 *                   failed or a worker that died; null if none, or if it passed
 * @param reportBytes the length of a report line longer than {@link WorkerProtocol#MAX_REPORT_BYTES}, which
 *                   the host did not read; null otherwise
 */
public record WorkerRun(WorkerReport report, Integer exitCode, long pid, boolean timedOut, long assignedAt,
                        List<String> outputTail, String launch, String sandbox,
                        String limitReached, Long reportBytes) {

    /** Whether the worker sent a report too large for the host to read. */
    public boolean reportTooLarge() {
        return reportBytes != null;
    }
}
