package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a host publishes of its running tasks ({@code {queue}:running:<host>}) and the in-flight
 * page shows: the worker's pid, start and launch kind, beside the processing list's entry. A
 * heartbeat TTL of 3 s makes the host rewrite the hash every second.
 */
class DashboardInFlightTest {

    @TempDir
    static Path temp;

    private static String queueKey;
    private static String hostId;
    private static Host host;
    private static QueueProbe queue;
    private static DashboardClient http;

    @BeforeAll
    static void startHost() {
        queueKey = TestHosts.uniqueQueue();
        hostId = "host-" + queueKey;
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--max-attempts", "1",
                "--warm-spares", "0", "--heartbeat-ttl", "3s", "--http-port", Integer.toString(TestHosts.freePort())));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
        http = new DashboardClient(host.httpAddress().orElseThrow());
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (queue != null) {
            queue.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aRunningTaskShowsItsWorkersPidStartAndLaunchAndGoesWhenRecorded() {
        queue.push("{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":6000}}");

        JsonNode task = Eventually.value(QueueProbe.DEADLINE, "the sleeping task with its worker's pid", () -> {
            JsonNode tasks = http.get("/api/in-flight").json().path("tasks");
            return tasks.size() == 1 && tasks.get(0).has("pid") ? tasks.get(0) : null;
        });

        assertEquals(hostId, task.path("host").asText());
        assertEquals("Fixtures.sleep", task.path("task").asText());
        assertEquals(1, task.path("attempt").asInt());
        assertEquals("cold", task.path("launch").asText(), "no spares: a JVM started for it");
        assertTrue(ProcessHandle.of(task.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false),
                "the pid is the live worker's: " + task);
        assertTrue(task.path("startedAt").asLong() > 0 && task.path("elapsedMs").asLong() >= 0, task.toString());
        String running = queue.keys().running(hostId);
        assertTrue(running.startsWith("{" + queueKey + "}:"), "in the queue's slot: " + running);
        long ttl = queue.redis().pttl(running);
        assertTrue(ttl > 0 && ttl <= 3000, "expires with the heartbeat: " + ttl);
        String page = http.get("/in-flight").body();
        assertTrue(page.contains(">" + task.path("pid").asLong() + "<"), page);
        assertTrue(page.contains(">cold<"), page);

        String entryId = task.path("entryId").asText();
        Eventually.within(QueueProbe.DEADLINE, "its outcome recorded", () -> queue.outcomes().stream()
                .anyMatch(outcome -> outcome.path("id").asText().equals(entryId)));

        Eventually.within(QueueProbe.DEADLINE, "its entry withdrawn", () -> !queue.redis().hexists(running, entryId));
        assertEquals(0, http.get("/api/in-flight").json().path("tasks").size());
    }

    @Test
    void theHeartbeatRewritesWhatRunsDroppingLostAndForgedEntries() {
        queue.push("{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":6000}}");
        String running = queue.keys().running(hostId);
        String taskId = Eventually.value(QueueProbe.DEADLINE, "the task published", () -> queue.redis()
                .hkeys(running).stream().findFirst().orElse(null));

        queue.redis().hdel(running, taskId);
        queue.redis().hset(running, "forged-task", "{\"pid\":\"<script>\"}");

        Eventually.within(QueueProbe.DEADLINE, "the beat to mend the hash", () -> queue.redis().hexists(running,
                taskId) && !queue.redis().hexists(running, "forged-task"));
        Eventually.within(QueueProbe.DEADLINE, "its outcome recorded", () -> queue.outcomes().stream()
                .anyMatch(outcome -> outcome.path("id").asText().equals(taskId)));
        Eventually.within(QueueProbe.DEADLINE, "the hash empty", () -> queue.redis().hlen(running) == 0);
    }
}
