package io.taskhost.host.outcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.worker.WorkerEnd;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CauseTest {

    private static Set<String> codes(java.util.function.Predicate<Cause> which) {
        return Arrays.stream(Cause.values()).filter(which).map(Cause::code).collect(Collectors.toSet());
    }

    @Test
    void theCodesAreThoseOutcomeRecordsHaveAlwaysCarried() {
        assertEquals(List.of("exception", "worker_exit", "worker_killed", "out_of_memory", "host_lost", "timeout",
                "bad_payload", "unknown_class", "unknown_operation", "report_too_large", "launch_failed", "host_error"),
                Arrays.stream(Cause.values()).map(Cause::code).toList());
    }

    @Test
    void aRetryCannotFixTheInputTheRoutingAnOversizedResultOrATaskhostBug() {
        assertEquals(Set.of("bad_payload", "unknown_class", "unknown_operation", "host_error", "report_too_large"),
                codes(cause -> !cause.retryable()));
    }

    @Test
    void runsThatDiedAreTheWorkersExitKillTimeoutOutOfMemoryAndALostHost() {
        assertEquals(Set.of("worker_exit", "worker_killed", "out_of_memory", "timeout", "host_lost"),
                codes(Cause::death));
    }

    @Test
    void aCodeReadsBackAsItsCauseAndAnUnknownOneAsNone() {
        for (Cause cause : Cause.values()) {
            assertEquals(Optional.of(cause), Cause.ofCode(cause.code()));
        }
        assertEquals(Optional.empty(), Cause.ofCode("worker_vanished"));
        assertEquals(Optional.empty(), Cause.ofCode(null));
    }

    @Test
    void everyWayAWorkerEndsWithoutAReportIsACause() {
        for (WorkerEnd.Kind kind : WorkerEnd.Kind.values()) {
            assertTrue(Cause.ofCode(kind.code()).isPresent(), kind.code());
        }
        assertEquals(Set.of("timeout", "out_of_memory", "worker_killed", "worker_exit"),
                Arrays.stream(WorkerEnd.Kind.values()).map(WorkerEnd.Kind::code)
                        .filter(code -> Cause.ofCode(code).orElseThrow().death()).collect(Collectors.toSet()));
    }
}
