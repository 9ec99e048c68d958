package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.RedisClusterBed;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One host consumes two queues whose slots are on different cluster masters: no script spans them. */
class SeveralQueuesOnClusterTest {

    @TempDir
    static Path temp;

    private static RedisClusterBed cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterBed.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aHostTakesRecordsAndRetriesTasksOfTwoQueuesOnDifferentMasters() throws Exception {
        cluster.awaitHealthy(Duration.ofSeconds(30));
        String first = TestHosts.uniqueQueue();
        String second = Eventually.value(Duration.ofSeconds(10), "a queue on another master than " + first, () -> {
            String candidate = TestHosts.uniqueQueue();
            return cluster.masterOf(candidate).equals(cluster.masterOf(first)) ? null : candidate;
        });
        assertNotEquals(cluster.masterOf(first), cluster.masterOf(second));
        var a = new QueueProbe(cluster.client(), first);
        var b = new QueueProbe(cluster.client(), second);
        for (int i = 0; i < 3; i++) {
            a.push("{\"class\":\"Fixtures\",\"worker\":\"noop\"}");
            b.push("{\"class\":\"Fixtures\",\"worker\":\"noop\"}");
        }
        b.push("{\"class\":\"Fixtures\",\"worker\":\"fail\"}");
        try (Host ignored = TestHosts.start(TestHosts.builder(TestRedis.shared(), first + "," + second,
                        TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"))
                .redisUrl(cluster.url())
                .hostId("host-" + first)
                .fetchTimeout(Duration.ofSeconds(2))
                .maxAttempts(2)
                .build())) {
            List<JsonNode> ofA = a.awaitOutcomes("noop", 3);
            List<JsonNode> ofB = b.awaitOutcomes("noop", 3);
            assertTrue(ofA.stream().allMatch(o -> first.equals(o.path("queue").asText())), ofA.toString());
            assertTrue(ofB.stream().allMatch(o -> second.equals(o.path("queue").asText())), ofB.toString());
            Eventually.within(QueueProbe.DEADLINE, "the failing task retried, then dead-lettered in its own queue",
                    () -> b.deadIds().size() == 1);
            assertEquals(2, b.awaitOutcomes("fail", 2).size());
            assertEquals(List.of(), a.deadIds());
            Eventually.within(QueueProbe.DEADLINE, "both processing lists empty",
                    () -> a.redis().llen(a.keys().processing("host-" + first)) == 0
                            && b.redis().llen(b.keys().processing("host-" + first)) == 0);
            assertTrue(b.redis().hexists(b.keys().hosts(), "host-" + first), "registered in each queue's slot");
            assertTrue(a.redis().hexists(a.keys().hosts(), "host-" + first));
        }
    }
}
