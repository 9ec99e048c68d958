package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.OutcomeJson;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcome record of each way an attempt ends, field by field and in the order stored: readers
 * parse these records, so a field may not appear, vanish, move or change its spelling unnoticed.
 * Values that differ from run to run (ids, times, pids, digests, stack traces) are masked.
 */
class AttemptRecordsTest {

    @TempDir
    static Path temp;

    static Host host;
    static QueueProbe queue;

    @BeforeAll
    static void startHost() {
        String queueKey = TestHosts.uniqueQueue();
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--max-attempts", "2"));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
        queue.close();
    }

    @Test
    void aPassedAttempt() {
        queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"n\":1}}");
        assertEquals("{\"id\":\"*\",\"status\":\"passed\",\"disposition\":\"completed\",\"queue\":\"*\",\"host\":\"*\","
                + "\"class\":\"Fixtures\",\"worker\":\"echo\",\"attempt\":1,\"plugin\":{\"id\":\"fixtures\",\"version\":"
                + "\"*\",\"sha256\":\"*\",\"jar\":\"fixtures.jar\"},\"javaClass\":"
                + "\"io.taskhost.examples.fixtures.Fixtures\",\"method\":\"_task_echo\",\"result\":{\"n\":1},"
                + "\"fetchedAt\":\"*\",\"startedAt\":\"*\",\"finishedAt\":\"*\",\"durationMs\":\"*\",\"totalMs\":\"*\","
                + "\"pid\":\"*\",\"launch\":\"*\",\"sandbox\":\"none\"}", OutcomeJson.masked(queue.awaitOutcome("echo")));
    }

    @Test
    void aThrowingAttemptRetriedThenDeadLettered() {
        queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\",\"params\":{\"message\":\"card declined\"}}");
        List<JsonNode> attempts = queue.awaitOutcomes("fail", 2);
        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"exception\",\"reason\":"
                + "\"java.lang.IllegalStateException: card declined\",\"disposition\":\"retry_scheduled\",\"retryAt\":"
                + "\"*\",\"queue\":\"*\",\"host\":\"*\",\"class\":\"Fixtures\",\"worker\":\"fail\",\"attempt\":1,"
                + "\"plugin\":{\"id\":\"fixtures\",\"version\":\"*\",\"sha256\":\"*\",\"jar\":\"fixtures.jar\"},"
                + "\"javaClass\":\"io.taskhost.examples.fixtures.Fixtures\",\"method\":\"_task_fail\",\"result\":null,"
                + "\"error\":{\"type\":\"java.lang.IllegalStateException\",\"message\":\"card declined\","
                + "\"stackTrace\":\"*\"},\"fetchedAt\":\"*\",\"startedAt\":\"*\",\"finishedAt\":\"*\",\"durationMs\":\"*\","
                + "\"totalMs\":\"*\",\"pid\":\"*\",\"launch\":\"*\",\"sandbox\":\"none\"}", OutcomeJson.masked(attempts.get(0)));
        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"exception\",\"reason\":"
                + "\"java.lang.IllegalStateException: card declined; gave up after 2 attempts\",\"disposition\":"
                + "\"dead_lettered\",\"queue\":\"*\",\"host\":\"*\",\"class\":\"Fixtures\",\"worker\":\"fail\","
                + "\"attempt\":2,\"history\":[{\"id\":\"*\",\"attempt\":1,\"cause\":\"exception\",\"reason\":"
                + "\"java.lang.IllegalStateException: card declined\",\"host\":\"*\",\"at\":\"*\"}],\"plugin\":{\"id\":"
                + "\"fixtures\",\"version\":\"*\",\"sha256\":\"*\",\"jar\":\"fixtures.jar\"},\"javaClass\":"
                + "\"io.taskhost.examples.fixtures.Fixtures\",\"method\":\"_task_fail\",\"result\":null,\"error\":"
                + "{\"type\":\"java.lang.IllegalStateException\",\"message\":\"card declined\",\"stackTrace\":"
                + "\"*\"},\"fetchedAt\":\"*\",\"startedAt\":\"*\",\"finishedAt\":\"*\",\"durationMs\":\"*\",\"totalMs\":"
                + "\"*\",\"pid\":\"*\",\"launch\":\"*\",\"sandbox\":\"none\"}", OutcomeJson.masked(attempts.get(1)));
    }

    @Test
    void anAttemptWhoseWorkerExited() {
        queue.push("{\"worker\":\"exit\",\"class\":\"Fixtures\",\"params\":{\"code\":7}}");
        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"worker_exit\",\"reason\":\"the worker JVM exited"
                + " with code 7 before it reported (System.exit in the operation, or a JVM that could not start); last"
                + " output: []\",\"disposition\":\"retry_scheduled\",\"retryAt\":\"*\",\"queue\":\"*\",\"host\":\"*\","
                + "\"class\":\"Fixtures\",\"worker\":\"exit\",\"attempt\":1,\"plugin\":{\"id\":\"fixtures\",\"version\":"
                + "\"*\",\"sha256\":\"*\",\"jar\":\"fixtures.jar\"},\"javaClass\":"
                + "\"io.taskhost.examples.fixtures.Fixtures\",\"method\":\"_task_exit\",\"fetchedAt\":\"*\",\"startedAt\":"
                + "\"*\",\"finishedAt\":\"*\",\"totalMs\":\"*\",\"pid\":\"*\",\"exitCode\":7,\"launch\":\"*\",\"sandbox\":\"none\"}",
                OutcomeJson.masked(queue.awaitOutcome("exit")));
    }

    @Test
    void aPayloadThatIsNotATask() {
        queue.push("{\"class\":\"Fixtures\",\"params\":[],\"marker\":\"no-worker\"}");
        JsonNode record = Eventually.value(QueueProbe.DEADLINE, "the bad payload's outcome", () -> queue.outcomes()
                .stream().filter(outcome -> outcome.path("cause").asText().equals("bad_payload")).findFirst()
                .orElse(null));
        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"bad_payload\",\"reason\":\"payload no"
                + " \\\"worker\\\" field: the operation to run is missing; not retried: a retry cannot fix bad_payload\","
                + "\"disposition\":\"dead_lettered\",\"queue\":\"*\",\"host\":\"*\",\"attempt\":1,\"fetchedAt\":\"*\","
                + "\"finishedAt\":\"*\",\"totalMs\":\"*\"}", OutcomeJson.masked(record));
    }

    @Test
    void aClassNoPluginProvides() {
        queue.push("{\"worker\":\"unrouted\",\"class\":\"Nowhere\",\"params\":[]}");
        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"unknown_class\",\"reason\":\"no plugin provides"
                + " class \\\"Nowhere\\\"; known classes: [Fixtures]; not retried: a retry cannot fix unknown_class\","
                + "\"disposition\":\"dead_lettered\",\"queue\":\"*\",\"host\":\"*\",\"class\":\"Nowhere\",\"worker\":"
                + "\"unrouted\",\"attempt\":1,\"fetchedAt\":\"*\",\"finishedAt\":\"*\",\"totalMs\":\"*\"}",
                OutcomeJson.masked(queue.awaitOutcome("unrouted")));
    }

    @Test
    void anOperationTheClassDoesNotHave() {
        queue.push("{\"worker\":\"no_such_operation\",\"class\":\"Fixtures\",\"params\":[]}");
        JsonNode stored = queue.awaitOutcome("no_such_operation");
        String version = stored.path("plugin").path("version").asText();
        String record = OutcomeJson.masked(stored);
        String operations = record.substring(record.indexOf("its operations: ["), record.indexOf("]; not retried") + 1);
        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"unknown_operation\",\"reason\":"
                + "\"io.taskhost.examples.fixtures.Fixtures in fixtures@" + version + " has no operation"
                + " _task_no_such_operation; "
                + operations + "; not retried: a retry cannot fix unknown_operation\",\"disposition\":\"dead_lettered\","
                + "\"queue\":\"*\",\"host\":\"*\",\"class\":\"Fixtures\",\"worker\":\"no_such_operation\",\"attempt\":1,"
                + "\"plugin\":{\"id\":\"fixtures\",\"version\":\"*\",\"sha256\":\"*\",\"jar\":\"fixtures.jar\"},"
                + "\"javaClass\":\"io.taskhost.examples.fixtures.Fixtures\",\"fetchedAt\":\"*\",\"finishedAt\":\"*\","
                + "\"totalMs\":\"*\"}", record);
    }
}
