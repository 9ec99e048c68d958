package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.HttpProbe;
import io.taskhost.host.testing.PrometheusText;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.RestartableRedis;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health} for a service manager: 200 when the host can do its work, 503 with the failing check when not. */
class HealthEndpointTest {

    @TempDir
    Path temp;

    @Test
    void aHostThatCanWorkAnswers200WithEachCheck() throws Exception {
        try (Host host = start(TestRedis.shared(), TestHosts.pluginsDirWith(temp, "fixtures.jar"))) {
            var http = new HttpProbe(host.httpAddress().orElseThrow());
            HttpProbe.Reply reply = http.get("/health");
            assertEquals(200, reply.status(), reply.body());
            assertEquals("application/json", reply.contentType());
            JsonNode health = reply.json();
            assertTrue(health.path("healthy").asBoolean());
            assertTrue(health.path("redis").path("ok").asBoolean());
            assertTrue(health.path("plugins").path("ok").asBoolean());
            assertEquals("1 active plugin(s)", health.path("plugins").path("detail").asText());
            assertTrue(health.path("fetchLoop").path("ok").asBoolean(), health.toString());

            HttpProbe.Reply head = http.send("HEAD", "/health");
            assertEquals(200, head.status());
            assertEquals("", head.body());
        }
    }

    @Test
    void whileRedisIsDownHealthIs503AndMetricsAndStatusStillAnswer() throws Exception {
        Path data = Files.createDirectories(temp.resolve("redis"));
        try (var redis = RestartableRedis.start(data);
             Host host = start(redis.server(), TestHosts.pluginsDirWith(temp, "fixtures.jar"))) {
            var http = new HttpProbe(host.httpAddress().orElseThrow());
            assertEquals(200, http.get("/health").status());

            redis.kill();
            JsonNode health = Eventually.value(QueueProbe.DEADLINE, "/health to say 503", () -> {
                HttpProbe.Reply reply = http.get("/health");
                return reply.status() == 503 ? reply.json() : null;
            });
            assertFalse(health.path("healthy").asBoolean());
            assertFalse(health.path("redis").path("ok").asBoolean());
            assertFalse(health.path("redis").path("detail").asText().isBlank(), "says why: " + health);
            assertTrue(health.path("plugins").path("ok").asBoolean());
            assertTrue(health.path("fetchLoop").path("ok").asBoolean(), "backing off from Redis is not stuck: " + health);

            PrometheusText metrics = http.metrics();
            assertTrue(Double.isNaN(metrics.value("taskhost_queue_depth", Map.of())), "a size Redis cannot give is NaN");
            assertTrue(Double.isNaN(metrics.value("taskhost_dead_letters", Map.of())));
            assertEquals(0, metrics.value("taskhost_tasks_in_flight", Map.of()), "the host's own count needs no Redis");

            HttpProbe.Reply status = http.get("/status");
            assertEquals(200, status.status());
            assertFalse(status.json().has("sizes"));
            assertFalse(status.json().path("redisError").asText().isBlank());
            assertEquals("fixtures", status.json().path("plugins").path("jars").get(0).path("id").asText());

            redis.start();
            Eventually.within(QueueProbe.DEADLINE, "/health back to 200", () -> http.get("/health").status() == 200);
        }
    }

    @Test
    void aHostWithNoActivePluginIsUnhealthy() throws Exception {
        try (Host host = start(TestRedis.shared(), TestHosts.pluginsDirWith(temp))) {
            HttpProbe.Reply reply = new HttpProbe(host.httpAddress().orElseThrow()).get("/health");
            assertEquals(503, reply.status(), reply.body());
            JsonNode health = reply.json();
            assertFalse(health.path("plugins").path("ok").asBoolean());
            assertTrue(health.path("plugins").path("detail").asText().startsWith("0 active plugin(s)"), health.toString());
            assertTrue(health.path("redis").path("ok").asBoolean());
        }
    }

    @Test
    void onlyGetAndHeadOfTheThreePathsAreServed() throws Exception {
        try (Host host = start(TestRedis.shared(), TestHosts.pluginsDirWith(temp, "fixtures.jar"))) {
            var http = new HttpProbe(host.httpAddress().orElseThrow());
            assertEquals(404, http.get("/nothing-here").status(), "/ is the dashboard, any other path 404");
            assertEquals(404, http.get("/healthz").status());
            assertEquals(404, http.get("/health/extra").status());
            assertEquals(405, http.send("POST", "/metrics").status());
            assertEquals(405, http.send("DELETE", "/status").status());
        }
    }

    private static Host start(TestRedis redis, Path plugins) {
        Path cache = plugins.resolveSibling("cache");
        return TestHosts.start(TestHosts.settings(redis, TestHosts.uniqueQueue(), plugins, cache,
                "--http-port", Integer.toString(TestHosts.freePort())));
    }
}
