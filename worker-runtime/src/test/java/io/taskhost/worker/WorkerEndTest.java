package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(2);
    private static final List<String> OUT_OF_HEAP = List.of("Terminating due to java.lang.OutOfMemoryError: Java heap space");

    @Test
    void aReportTooLongToReadIsTooLargeWhateverElseHappened() {
        WorkerEnd end = WorkerEnd.of(5_000_000L, true, LIMIT, null, OUT_OF_HEAP, "64m");
        assertEquals(WorkerEnd.Kind.REPORT_TOO_LARGE, end.kind());
        assertEquals("report_too_large", end.kind().code());
        assertEquals("the worker's report was 5000000 bytes, above the 4194304 bytes the host reads; return a reference"
                + " to a result that large, stored elsewhere", end.reason());
    }

    @Test
    void aWorkerKilledForItsTimeLimitTimedOutWhateverItsExitCode() {
        WorkerEnd end = WorkerEnd.of(null, true, LIMIT, 137, List.of(), "64m");
        assertEquals(WorkerEnd.Kind.TIMEOUT, end.kind());
        assertEquals("timeout", end.kind().code());
        assertEquals("ran past its limit of PT2S; the worker and its child processes were killed", end.reason());
    }

    @Test
    void exitCodeThreeWithAnOutOfMemoryErrorInTheOutputRanOutOfMemory() {
        WorkerEnd end = WorkerEnd.of(null, false, LIMIT, 3, OUT_OF_HEAP, "64m");
        assertEquals(WorkerEnd.Kind.OUT_OF_MEMORY, end.kind());
        assertEquals("out_of_memory", end.kind().code());
        assertEquals("the worker JVM ran out of memory with -Xmx64m; raise its heap with @TaskOptions(maxHeap) or"
                + " plugin.<id>.worker-max-heap; last output: [" + OUT_OF_HEAP.get(0) + "]", end.reason());
    }

    @Test
    void exitCodeThreeWithoutAnOutOfMemoryErrorIsAnOrdinaryExit() {
        WorkerEnd end = WorkerEnd.of(null, false, LIMIT, 3, List.of("System.exit(3), said the operation"), "64m");
        assertEquals(WorkerEnd.Kind.WORKER_EXIT, end.kind());
    }

    @Test
    void anExitCodeAbove128IsTheSignalThatKilledIt() {
        WorkerEnd end = WorkerEnd.of(null, false, LIMIT, 137, List.of("last words"), "64m");
        assertEquals(WorkerEnd.Kind.WORKER_KILLED, end.kind());
        assertEquals("worker_killed", end.kind().code());
        assertEquals("the worker JVM was killed by signal 9 before it reported; last output: [last words]", end.reason());
    }

    @Test
    void anyOtherExitCodeIsAnExitBeforeItReported() {
        for (int code : new int[] {0, 1, 7, 128}) {
            WorkerEnd end = WorkerEnd.of(null, false, LIMIT, code, List.of(), "64m");
            assertEquals(WorkerEnd.Kind.WORKER_EXIT, end.kind(), "exit code " + code);
            assertEquals("worker_exit", end.kind().code());
            assertEquals("the worker JVM exited with code " + code + " before it reported (System.exit in the operation,"
                    + " or a JVM that could not start); last output: []", end.reason());
        }
    }
}
