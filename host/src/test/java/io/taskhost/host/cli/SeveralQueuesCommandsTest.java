package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.HttpProbe;
import io.taskhost.host.testing.PrometheusText;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pause, resume, status, failed, /status and /metrics of a host that consumes several queues: each per queue. */
class SeveralQueuesCommandsTest {

    private static final String NOOP = "{\"class\":\"Fixtures\",\"worker\":\"noop\"}";

    @TempDir
    Path temp;

    private static CommandResult taskhost(String queue, String... args) {
        return CommandResult.onQueue(queue, args);
    }

    @Test
    void pauseStatusAndResumeWorkPerQueue() throws Exception {
        String base = TestHosts.uniqueQueue();
        String a = base + "-a";
        String b = base + "-b";
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), a + "," + b,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("c"), "--host-id", "host-" + base,
                "--http-port", Integer.toString(TestHosts.freePort())));
             var first = new QueueProbe(TestRedis.shared(), a);
             var second = new QueueProbe(TestRedis.shared(), b)) {
            CommandResult paused = taskhost(a, "pause");
            assertEquals(0, paused.code(), paused.err());
            assertEquals("paused every host of queue " + a, paused.out().strip());
            Eventually.within(QueueProbe.DEADLINE, "the host to notice a's pause", () -> host.isPaused(a));
            first.push(NOOP);
            second.push(NOOP);
            second.awaitOutcome("noop");

            CommandResult status = taskhost(a + "," + b, "status", "--json");
            assertEquals(0, status.code(), status.err());
            JsonNode queues = new ObjectMapper().readTree(status.out());
            assertEquals(2, queues.size(), status.out());
            assertEquals(a, queues.get(0).path("queue").asText());
            assertTrue(queues.get(0).path("paused").asBoolean());
            assertEquals(1, queues.get(0).path("waiting").asLong(), "a paused queue keeps its task");
            assertEquals(b, queues.get(1).path("queue").asText());
            assertFalse(queues.get(1).path("paused").asBoolean());
            assertEquals(1, queues.get(1).path("counters").path("passed").asLong());
            assertEquals("host-" + base, queues.get(1).path("hosts").get(0).path("id").asText(),
                    "the host is registered in each of its queues");
            String text = taskhost(a + "," + b, "status").out();
            assertTrue(text.contains("queue " + a + " (paused): 1 waiting") && text.contains("queue " + b + ": 0 waiting"),
                    text);

            var http = new HttpProbe(host.httpAddress().orElseThrow());
            JsonNode report = http.get("/status").json();
            assertEquals(a, report.path("queue").asText(), "the top level is of the first queue, as before");
            assertEquals(2, report.path("queues").size(), report.toString());
            assertTrue(report.path("queues").get(0).path("paused").asBoolean());
            assertEquals(1, report.path("queues").get(0).path("sizes").path("queue").asLong());
            assertFalse(report.path("queues").get(1).path("paused").asBoolean());
            assertEquals(1, report.path("queues").get(1).path("stats").path("passed").asLong());
            PrometheusText metrics = http.metrics();
            assertEquals(1, metrics.value("taskhost_queue_depth", Map.of("queue", a)));
            assertEquals(0, metrics.value("taskhost_queue_depth", Map.of("queue", b)));
            assertEquals(1, metrics.sum("taskhost_tasks_total", Map.of("queue", b, "outcome", "passed")));
            assertEquals(0, metrics.sum("taskhost_tasks_total", Map.of("queue", a)));

            assertEquals(0, taskhost(a, "resume").code());
            assertEquals("passed", first.awaitOutcome("noop").path("status").asText());
            assertFalse(host.isPaused(a));
        }
    }

    @Test
    void pauseAndResumeOfAListFlipEachQueueOfIt() throws Exception {
        String base = TestHosts.uniqueQueue();
        CommandResult paused = taskhost(base + "-a," + base + "-b", "pause", "--host", "h1");
        assertEquals(0, paused.code(), paused.err());
        assertEquals("paused host h1 of queue " + base + "-a" + System.lineSeparator() + "paused host h1 of queue "
                + base + "-b", paused.out().strip());
        try (var second = new QueueProbe(TestRedis.shared(), base + "-b")) {
            assertTrue(second.redis().exists(second.keys().paused("h1")));
            assertEquals(0, taskhost(base + "-a:2," + base + "-b:1", "resume", "--host", "h1").code());
            assertFalse(second.redis().exists(second.keys().paused("h1")));
        }
    }

    @Test
    void deadLettersAreListedPerQueue() throws Exception {
        String base = TestHosts.uniqueQueue();
        String a = base + "-a";
        String b = base + "-b";
        try (Host ignored = TestHosts.start(TestHosts.settings(TestRedis.shared(), a + "," + b,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("c"), "--host-id", "host-" + base,
                "--max-attempts", "1"));
             var second = new QueueProbe(TestRedis.shared(), b)) {
            second.push("{\"class\":\"Fixtures\",\"worker\":\"fail\"}");
            Eventually.within(QueueProbe.DEADLINE, "a dead letter in b", () -> !second.deadIds().isEmpty());

            CommandResult inB = taskhost(b, "failed", "list");
            assertEquals(0, inB.code(), inB.err());
            assertTrue(inB.out().contains(second.deadIds().get(0)), inB.out());
            CommandResult inA = taskhost(a, "failed", "list");
            assertEquals(0, inA.code(), inA.err());
            assertTrue(inA.err().contains("No dead letters in {" + a + "}:dead"), inA.err());

            CommandResult both = taskhost(a + "," + b, "failed", "list");
            assertEquals(2, both.code());
            assertTrue(both.err().contains("works on one queue"), both.err());
        }
    }

    @Test
    void aBadQueueListIsAUsageErrorSayingWhatIsWrong() {
        CommandResult refused = taskhost("a,,b", "status");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("invalid --queue: empty queue name"), refused.err());
        var settings = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HostOptions.parse("--redis", TestRedis.shared().url(), "--queue", "a:5,b"));
        assertTrue(settings.getMessage().contains("weighs some queues and not others"), settings.getMessage());
    }
}
