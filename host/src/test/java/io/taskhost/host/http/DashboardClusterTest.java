package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.RedisClusterBed;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's reads and changes on Redis Cluster: every key it touches is in the queue's slot. */
class DashboardClusterTest {

    @TempDir
    Path temp;

    @Test
    void theApiReadsAndRetriesOnACluster() throws Exception {
        try (RedisClusterBed cluster = RedisClusterBed.start()) {
            String queueKey = TestHosts.uniqueQueue();
            var queue = new QueueProbe(cluster.client(), queueKey);
            try (Host host = TestHosts.start(TestHosts.builder(TestRedis.shared(), queueKey,
                    TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"))
                    .redisUrl(cluster.url()).maxAttempts(1).warmSpares(0).httpPort(TestHosts.freePort()).build())) {
                var http = new DashboardClient(host.httpAddress().orElseThrow());
                queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
                queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\"}");

                JsonNode overview = Eventually.value(QueueProbe.DEADLINE, "both outcomes in the overview", () -> {
                    JsonNode counts = http.get("/api/overview").json().path("queues").get(0);
                    long passed = 0;
                    long failed = 0;
                    for (JsonNode minute : counts.path("minutes")) {
                        passed += minute.path("passed").asLong();
                        failed += minute.path("failed").asLong();
                    }
                    return counts.path("dead").asLong() == 1 && passed == 1 && failed == 1 ? counts : null;
                });
                assertEquals(queueKey, overview.path("queue").asText());

                JsonNode letters = http.get("/api/dead?class=Fixtures").json().path("letters");
                assertEquals(1, letters.size());
                assertEquals("Fixtures.fail", letters.get(0).path("task").asText());
                assertTrue(http.get("/dead/letter?id=" + letters.get(0).path("id").asText()).body()
                        .contains("failed on purpose"));
                assertEquals(200, http.get("/hosts").status());
                assertEquals(200, http.get("/plugins").status());
                assertEquals(200, http.get("/in-flight").status());

                assertEquals(1, http.post("/api/dead/retry-matching", http.withCsrf(Map.of("worker", "fail")))
                        .json().path("retried").asInt());
                Eventually.within(QueueProbe.DEADLINE, "the retried task failed again",
                        () -> queue.awaitOutcomes("fail", 2).size() == 2 && queue.deadIds().size() == 1);
                assertEquals(1, http.post("/api/dead/delete-matching", http.withCsrf(Map.of())).json()
                        .path("deleted").asInt());
                assertEquals(List.of(), queue.deadIds());
            }
        }
    }
}
