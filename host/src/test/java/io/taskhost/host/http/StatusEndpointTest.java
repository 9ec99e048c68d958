package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.HttpProbe;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /status}: the host, what it runs, its plugins and the queue as Redis has it, in one JSON object. */
class StatusEndpointTest {

    @TempDir
    Path temp;

    @Test
    void statusShowsTheHostItsPluginsAndTheQueue() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        long before = System.currentTimeMillis();
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--max-attempts", "1",
                "--http-port", Integer.toString(TestHosts.freePort())));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            var http = new HttpProbe(host.httpAddress().orElseThrow());
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\"}");
            queue.awaitOutcomes(2);

            JsonNode status = Eventually.value(QueueProbe.DEADLINE, "both tasks done and counted", () -> {
                HttpProbe.Reply reply = http.get("/status");
                JsonNode json = reply.status() == 200 ? reply.json() : null;
                return json != null && json.path("inFlight").asInt(-1) == 0
                        && json.path("stats").path("processed").asLong() == 2
                        && json.path("sizes").path("dead").asLong() == 1 ? json : null;
            });
            assertEquals("host-" + queueKey, status.path("host").asText());
            assertEquals(queueKey, status.path("queue").asText());
            long startedAt = status.path("startedAt").asLong();
            assertTrue(startedAt >= before && startedAt <= System.currentTimeMillis(), status.toString());
            assertTrue(status.path("uptimeSeconds").isIntegralNumber());
            assertTrue(status.path("uptimeSeconds").asLong() >= 0);
            assertTrue(status.path("fetchLoop").isTextual(), status.toString());
            assertTrue(status.path("redisError").isMissingNode(), status.toString());
            assertTrue(status.path("idleWorkers").isIntegralNumber(), status.toString());
            assertTrue(status.path("classData").path("enabled").asBoolean(), status.toString());
            Eventually.within(QueueProbe.DEADLINE, "the warm spare and the class-data archive in /status", () -> {
                JsonNode now = http.get("/status").json();
                return now.path("idleWorkers").asInt() == 1 && now.path("classData").path("ready").asInt() >= 1;
            });

            JsonNode sizes = status.path("sizes");
            assertEquals(0, sizes.path("queue").asLong());
            assertEquals(1, sizes.path("dead").asLong());
            assertEquals(0, sizes.path("retry").asLong());
            assertEquals(0, sizes.path("parked").asLong());

            JsonNode stats = status.path("stats");
            assertEquals(1, stats.path("passed").asLong());
            assertEquals(1, stats.path("failed").asLong());
            assertEquals(1, stats.path("dead").asLong());

            JsonNode plugins = status.path("plugins");
            assertEquals("host-" + queueKey, plugins.path("host").asText());
            JsonNode jar = plugins.path("jars").get(0);
            assertEquals("fixtures.jar", jar.path("file").asText());
            assertEquals("fixtures", jar.path("id").asText());
            assertEquals("active", jar.path("status").asText());
            List<String> operations = new ArrayList<>();
            jar.path("classes").get(0).path("operations").forEach(operation -> operations.add(operation.asText()));
            assertTrue(operations.contains("noop"), operations.toString());
        }
    }
}
