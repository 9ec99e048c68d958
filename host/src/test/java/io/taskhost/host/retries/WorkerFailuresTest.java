package io.taskhost.host.retries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Each way a worker JVM can die gets its cause in the outcome, and a retry when one can help. */
class WorkerFailuresTest {

    @TempDir
    static Path temp;

    static Host host;
    static QueueProbe queue;

    @BeforeAll
    static void startHost() {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("cache"),
                "--poison-deaths", "2"));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
        queue.close();
    }

    @Test
    void aKilledWorkersTaskIsRetried() throws Exception {
        Path pidFile = temp.resolve("crash-once.pid");
        queue.push("{\"worker\":\"crash_once\",\"class\":\"Fixtures\",\"params\":{\"pidFile\":\"" + pidFile + "\"}}");
        String pid = Eventually.value(QueueProbe.DEADLINE, "the first run's pid", () -> {
            try {
                return Files.exists(pidFile) && !Files.readString(pidFile).isEmpty() ? Files.readString(pidFile) : null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        new ProcessBuilder("kill", "-9", pid).start().waitFor();

        List<JsonNode> runs = queue.awaitOutcomes("crash_once", 2);
        assertEquals("worker_killed", runs.get(0).path("cause").asText());
        assertEquals(137, runs.get(0).path("exitCode").asInt());
        assertEquals("retry_scheduled", runs.get(0).path("disposition").asText());
        assertEquals("passed", runs.get(1).path("status").asText());
        assertEquals("survived attempt 2", runs.get(1).path("result").asText());
        assertEquals("worker_killed", runs.get(1).path("history").get(0).path("cause").asText());
    }

    @Test
    void aHangingOperationIsTimedOutByItsOwnLimitAndRetried() {
        queue.push("{\"worker\":\"hang_once\",\"class\":\"Fixtures\"}");
        List<JsonNode> runs = queue.awaitOutcomes("hang_once", 2);
        assertEquals("timeout", runs.get(0).path("cause").asText());
        assertTrue(runs.get(0).path("reason").asText().contains("PT2S"), runs.get(0).path("reason").asText());
        assertEquals("passed", runs.get(1).path("status").asText());
        assertEquals("finished attempt 2", runs.get(1).path("result").asText());
    }

    @Test
    void aTimeoutKillsTheWorkersChildProcessesToo() throws Exception {
        Path pidFile = temp.resolve("grandchild.pid");
        queue.push("{\"worker\":\"hang_with_child\",\"class\":\"Fixtures\",\"params\":{\"pidFile\":\"" + pidFile + "\"}}");
        JsonNode timedOut = queue.awaitOutcome("hang_with_child");
        assertEquals("timeout", timedOut.path("cause").asText());
        assertEquals("dead_lettered", timedOut.path("disposition").asText(), "maxAttempts = 1 on the operation");
        long grandchild = Long.parseLong(Files.readString(pidFile));
        Eventually.within(Duration.ofSeconds(20), "the grandchild to be gone",
                () -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aWorkerThatReportsButDoesNotExitIsKilledByItsTasksDeadlineAndTheWarningNamesTheTask() throws Exception {
        Logger workerJvmLog = (Logger) LoggerFactory.getLogger("io.taskhost.host.launch.WorkerJvm");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        workerJvmLog.addAppender(logged);
        try {
            Path pidFile = temp.resolve("linger.pid");
            queue.push("{\"worker\":\"linger_after_report\",\"class\":\"Fixtures\",\"params\":{\"pidFile\":\""
                    + pidFile + "\"}}");
            JsonNode reported = queue.awaitOutcome("linger_after_report");
            assertEquals("passed", reported.path("status").asText(), reported.toString());
            assertEquals("reported", reported.path("result").asText());
            long worker = Long.parseLong(Files.readString(pidFile));
            Eventually.within(Duration.ofSeconds(30), "the lingering worker to be killed after its 2-second limit",
                    () -> ProcessHandle.of(worker).map(p -> !p.isAlive()).orElse(true));

            ILoggingEvent warning = List.copyOf(logged.list).stream()
                    .filter(event -> event.getFormattedMessage().contains("worker pid " + worker + " reported its task"))
                    .findFirst().orElseThrow(() -> new AssertionError("no warning of the kill: " + logged.list));
            assertEquals(reported.path("id").asText(), warning.getMDCPropertyMap().get("taskId"),
                    "the warning carries the task's context: " + warning.getMDCPropertyMap());
            assertTrue(String.valueOf(warning.getMDCPropertyMap().get("plugin")).startsWith("fixtures@"),
                    "the plugin and its version: " + warning.getMDCPropertyMap());
        } finally {
            workerJvmLog.detachAppender(logged);
        }
    }

    @Test
    void anUnrecoverableExceptionIsDeadLetteredWithoutRetry() {
        queue.push("{\"worker\":\"refuse\",\"class\":\"Fixtures\"}");
        JsonNode refused = queue.awaitOutcome("refuse");
        assertEquals("exception", refused.path("cause").asText());
        assertEquals("io.taskhost.api.UnrecoverableTaskException", refused.path("error").path("type").asText());
        assertEquals("dead_lettered", refused.path("disposition").asText());
        assertTrue(queue.deadIds().contains(refused.path("id").asText()));
    }

    @Test
    void aWorkerThatRunsOutOfMemoryIsReportedAsSuch() {
        queue.push("{\"worker\":\"hog\",\"class\":\"Fixtures\"}");
        JsonNode hog = queue.awaitOutcome("hog");
        assertEquals("out_of_memory", hog.path("cause").asText(), hog.toString());
        assertEquals(3, hog.path("exitCode").asInt());
    }

    @Test
    void aTaskThatKeepsKillingItsWorkerIsQuarantinedAsPoison() {
        queue.push("{\"worker\":\"exit\",\"class\":\"Fixtures\",\"params\":{\"code\":9}}");
        List<JsonNode> runs = queue.awaitOutcomes("exit", 2);
        JsonNode last = runs.get(1);
        assertEquals("dead_lettered", last.path("disposition").asText());
        assertTrue(last.path("quarantined").asBoolean());
        assertTrue(last.path("reason").asText().contains("quarantined as poison"), last.path("reason").asText());
        Eventually.within(Duration.ofSeconds(5), "no third run", () -> queue.find("exit").isPresent());
        assertFalse(queue.outcomes().stream().filter(o -> "exit".equals(o.path("worker").asText())).count() > 2);
    }
}
