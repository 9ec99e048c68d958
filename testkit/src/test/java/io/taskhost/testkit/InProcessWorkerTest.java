package io.taskhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fixtures plugin's jar, each task in the test's own JVM. */
class InProcessWorkerTest {

    private static PluginTasks tasks;

    @BeforeAll
    static void open() {
        tasks = PluginTasks.inProcess(TestPlugins.fixturesJar());
    }

    @AfterAll
    static void close() {
        tasks.close();
    }

    @Test
    void theTaskRunsInTheTestsJvm() {
        assertEquals(ProcessHandle.current().pid(), tasks.run("Fixtures", "whoami").assertPassed().result().asLong());
    }

    @Test
    void paramsBindAndResultsCompareAsInAWorkerJvm() {
        tasks.run("Fixtures", "echo", "{\"user_id\":42,\"big\":12345678901}")
                .assertPassed()
                .assertResultJson("{\"user_id\":42,\"big\":12345678901}");
        tasks.run("Fixtures", "echo", "[]").assertResultJson("{}");
    }

    @Test
    void anExceptionFailsTheTask() {
        TaskOutcome outcome = tasks.run("Fixtures", "fail").assertFailedWith(IllegalStateException.class);
        assertEquals("java.lang.IllegalStateException: failed on purpose", outcome.reason());
        assertTrue(outcome.output().isEmpty());
    }

    @Test
    void routingFailsAsInAWorkerJvm() {
        tasks.run("Nope", "echo").assertFailed("unknown_class");
        tasks.run("Fixtures", "nope").assertFailed("unknown_operation");
    }
}
