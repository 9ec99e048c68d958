package io.taskhost.worker;

import java.time.Duration;
import java.util.List;

/**
 * What it means that a worker JVM ended without a report its reader could take. Decided here,
 * once, for the host and for the testkit's forked runs, so that both give such a task the same
 * cause and the same sentence.
 *
 * @param kind   why it ended; {@link Kind#code()} is the outcome's cause
 * @param reason one sentence a person can act on, with the worker's last output where it explains the end
 */
public record WorkerEnd(Kind kind, String reason) {

    /** The exit code of a JVM that stopped on {@code -XX:+ExitOnOutOfMemoryError}. */
    static final int OUT_OF_MEMORY_EXIT = 3;
    /** A process killed by signal n exits with 128 + n. */
    private static final int SIGNALLED = 128;

    /** Why a worker ended without a readable report. */
    public enum Kind {
        /** It reported, in a line longer than {@link WorkerProtocol#MAX_REPORT_BYTES}, which is not read. */
        REPORT_TOO_LARGE("report_too_large"),
        /** It ran past its time limit, and it and its child processes were killed. */
        TIMEOUT("timeout"),
        /** It ran out of heap and exited ({@code -XX:+ExitOnOutOfMemoryError}). */
        OUT_OF_MEMORY("out_of_memory"),
        /** A signal killed it. */
        WORKER_KILLED("worker_killed"),
        /** It exited: {@code System.exit} in the operation, or a JVM that could not start. */
        WORKER_EXIT("worker_exit");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** The cause code of the task's outcome. */
        public String code() {
            return code;
        }
    }

    /**
     * @param reportBytes the length of a report line too long to read, or null if there was none
     * @param timedOut    whether it was killed for running past {@code timeout}
     * @param exitCode    its exit code; may be null when its report was too large or it timed out
     * @param outputTail  the last lines it wrote besides its report, which often say why it ended
     * @param maxHeap     its heap limit as {@code -Xmx} takes it, such as {@code 256m}
     */
    public static WorkerEnd of(Long reportBytes, boolean timedOut, Duration timeout, Integer exitCode,
                               List<String> outputTail, String maxHeap) {
        if (reportBytes != null) {
            return new WorkerEnd(Kind.REPORT_TOO_LARGE, "the worker's report was " + reportBytes + " bytes, above the "
                    + WorkerProtocol.MAX_REPORT_BYTES + " bytes the host reads; return a reference to a result that"
                    + " large, stored elsewhere");
        }
        if (timedOut) {
            return new WorkerEnd(Kind.TIMEOUT, "ran past its limit of " + timeout + "; the worker and its child"
                    + " processes were killed");
        }
        if (exitCode == OUT_OF_MEMORY_EXIT && outputTail.stream().anyMatch(line -> line.contains("OutOfMemoryError"))) {
            return new WorkerEnd(Kind.OUT_OF_MEMORY, "the worker JVM ran out of memory with -Xmx" + maxHeap
                    + "; raise its heap with @TaskOptions(maxHeap) or plugin.<id>.worker-max-heap; last output: "
                    + outputTail);
        }
        if (exitCode > SIGNALLED) {
            return new WorkerEnd(Kind.WORKER_KILLED, "the worker JVM was killed by signal " + (exitCode - SIGNALLED)
                    + " before it reported; last output: " + outputTail);
        }
        return new WorkerEnd(Kind.WORKER_EXIT, "the worker JVM exited with code " + exitCode + " before it reported"
                + " (System.exit in the operation, or a JVM that could not start); last output: " + outputTail);
    }
}
