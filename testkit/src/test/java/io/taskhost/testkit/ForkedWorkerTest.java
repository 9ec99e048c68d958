package io.taskhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.api.UnrecoverableTaskException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fixtures plugin's jar, each task in a worker JVM of its own. */
class ForkedWorkerTest {

    private static PluginTasks tasks;

    @BeforeAll
    static void open() {
        tasks = PluginTasks.forked(TestPlugins.fixturesJar());
    }

    @AfterAll
    static void close() {
        tasks.close();
    }

    @Test
    void theReturnedValueIsTheResult() {
        tasks.run("Fixtures", "echo", "{\"user_id\":42,\"tags\":[\"a\",true]}")
                .assertPassed()
                .assertResultJson("{\"tags\": [\"a\", true], \"user_id\": 42}");
    }

    @Test
    void aVoidOperationPassesWithoutAResult() {
        TaskOutcome outcome = tasks.run("Fixtures", "noop").assertPassed().assertResultJson("null");
        assertNull(outcome.result());
    }

    @Test
    void phpsEmptyArrayBindsAsNoParams() {
        tasks.run("Fixtures", "echo", "[]").assertPassed().assertResultJson("{}");
    }

    @Test
    void anExceptionFailsTheTaskWithItsTypeMessageAndStackTrace() {
        TaskOutcome outcome = tasks.run("Fixtures", "fail", "{\"message\":\"boom\"}")
                .assertFailed("exception")
                .assertFailedWith(IllegalStateException.class)
                .assertFailedWith(RuntimeException.class);
        assertEquals("boom", outcome.error().message());
        assertEquals("java.lang.IllegalStateException: boom", outcome.reason());
        assertTrue(outcome.error().stackTrace().contains("Fixtures._task_fail"), outcome.error().stackTrace());
        assertFalse(outcome.unrecoverable());
    }

    @Test
    void anUnrecoverableTaskExceptionIsMarkedSo() {
        TaskOutcome outcome = tasks.run("Fixtures", "refuse").assertFailedWith(UnrecoverableTaskException.class);
        assertTrue(outcome.unrecoverable());
    }

    @Test
    void eachTaskRunsInAWorkerJvmOfItsOwn() {
        long first = tasks.run("Fixtures", "whoami").assertPassed().result().asLong();
        long second = tasks.run("Fixtures", "whoami").assertPassed().result().asLong();
        assertNotEquals(first, second);
        assertNotEquals(ProcessHandle.current().pid(), first);
    }

    @Test
    void theWorkerSeesOnlyTheVariablesTheHostPassesOn() {
        List<String> names = new ArrayList<>();
        tasks.run("Fixtures", "environment").assertPassed().result().fieldNames().forEachRemaining(names::add);
        assertTrue(io.taskhost.worker.WorkerProcess.ENVIRONMENT.containsAll(names), names::toString);
    }

    @Test
    void whatTheOperationPrintsIsKeptApartFromItsResult() {
        TaskOutcome outcome = tasks.run("Fixtures", "print", "{\"text\":\"hi\"}").assertPassed();
        assertTrue(outcome.output().containsAll(List.of("to stdout: hi", "to stderr: hi", "WARNING to the logger: hi")),
                outcome.output()::toString);
        assertNull(outcome.result());
    }

    @Test
    void anOperationThatExitsTheJvmFailsWithWorkerExit() {
        TaskOutcome outcome = tasks.run("Fixtures", "exit", "{\"code\":7}").assertFailed("worker_exit");
        assertTrue(outcome.reason().startsWith("the worker JVM exited with code 7"), outcome.reason());
    }

    @Test
    void anOperationPastItsTaskOptionsTimeoutIsKilled() {
        TaskOutcome outcome = tasks.run("Fixtures", "hang_once").assertFailed("timeout");
        assertTrue(outcome.reason().startsWith("ran past its limit of PT2S"), outcome.reason());
    }

    @Test
    void anOperationRunsWithItsTaskOptionsHeap() {
        TaskOutcome outcome = tasks.run("Fixtures", "hog").assertFailed("out_of_memory");
        assertTrue(outcome.reason().contains("-Xmx32m"), outcome.reason());
    }

    @Test
    void aClassNoTaskWorkerAnswersToFailsListingTheKnownOnes() {
        TaskOutcome outcome = tasks.run("MailTasks", "send_welcome_mail", "{}").assertFailed("unknown_class");
        assertTrue(outcome.reason().endsWith("known classes: [Fixtures]"), outcome.reason());
        tasks.run("java.lang.Runtime", "exec").assertFailed("unknown_class");
    }

    @Test
    void anOperationTheClassLacksFailsListingItsOperations() {
        TaskOutcome outcome = tasks.run("Fixtures", "send_welcome_mail").assertFailed("unknown_operation");
        assertTrue(outcome.reason().startsWith("io.taskhost.examples.fixtures.Fixtures has no operation"
                + " _task_send_welcome_mail; its operations: [connect, crash_once, echo, "), outcome.reason());
    }

    @Test
    void aSixtyFourMebibyteLineIsCutInTheOutput() {
        TaskOutcome outcome = tasks.run("Fixtures", "shout", "{\"bytes\":67108864}").assertPassed();
        assertTrue(outcome.output().stream().allMatch(line -> line.length() < 20_000),
                () -> "lines of " + outcome.output().stream().map(String::length).toList() + " characters");
        assertTrue(outcome.output().stream().anyMatch(line -> line.endsWith("[truncated, 67108864 bytes in all]")),
                () -> "no line says it was cut");
    }

    @Test
    void aResultLargerThanTheReportCapFailsWithReportTooLarge() {
        TaskOutcome outcome = tasks.run("Fixtures", "huge_result", "{\"bytes\":8388608}").assertFailed("report_too_large");
        assertTrue(outcome.reason().contains("4194304"), outcome.reason());
    }

    @Test
    void anOrphanedGrandchildDiesWithItsWorker() throws Exception {
        java.nio.file.Path pidFile = java.nio.file.Files.createTempFile("grandchild-", ".pid");
        java.nio.file.Files.delete(pidFile);
        tasks.run("Fixtures", "grandchild", "{\"pidFile\":\"" + pidFile + "\"}").assertPassed();
        long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
        java.nio.file.Files.delete(pidFile);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        try {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                assertTrue(System.nanoTime() < deadline, "the grandchild " + pid + " outlived its worker");
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
