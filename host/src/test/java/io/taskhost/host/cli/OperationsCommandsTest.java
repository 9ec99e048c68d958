package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, enqueue, pause and resume against a running host. */
class OperationsCommandsTest {

    @TempDir
    Path temp;

    private static CommandResult taskhost(String queue, String... args) {
        return CommandResult.onQueue(queue, args);
    }

    @Test
    void enqueuePauseResumeAndStatusWorkEndToEnd() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            CommandResult queued = taskhost(queueKey, "enqueue", "--class", "Fixtures", "--worker", "echo",
                    "--params", "{\"path\":\"a/b\",\"n\":1}");
            assertEquals(0, queued.code(), queued.err());
            JsonNode echoed = queue.awaitOutcome("echo");
            assertEquals("a/b", echoed.path("result").path("path").asText());

            assertEquals(0, taskhost(queueKey, "pause").code());
            Eventually.within(QueueProbe.DEADLINE, "the host to notice the pause", host::isPaused);
            assertEquals(0, taskhost(queueKey, "enqueue", "--class", "Fixtures", "--worker", "noop").code());

            CommandResult status = taskhost(queueKey, "status", "--json");
            assertEquals(0, status.code(), status.err());
            JsonNode json = new ObjectMapper().readTree(status.out());
            assertTrue(json.path("paused").asBoolean());
            assertEquals(1, json.path("waiting").asLong(), "a paused host takes nothing new");
            assertEquals(1, json.path("counters").path("passed").asLong());
            JsonNode self = json.path("hosts").get(0);
            assertEquals("host-" + queueKey, self.path("id").asText());
            assertTrue(self.path("alive").asBoolean());
            assertTrue(self.path("plugins").get(0).asText().startsWith("fixtures@"), self.toString());
            assertTrue(taskhost(queueKey, "status").out().contains("(paused): 1 waiting"));

            assertEquals(0, taskhost(queueKey, "resume").code());
            assertEquals("passed", queue.awaitOutcome("noop").path("status").asText());
        }
    }

    @Test
    void enqueueRefusesParamsThatAreNotJson() {
        CommandResult refused = taskhost(TestHosts.uniqueQueue(), "enqueue", "--worker", "noop", "--params", "{oops");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("--params is not JSON"), refused.err());
    }
}
