package io.taskhost.host.delayed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.queue.DueSetMover;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.status.QueueCounts;
import io.taskhost.host.testing.RedisClusterBed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/** Every script and read of delayed tasks on a real Redis Cluster, for queues whose slots lie on different masters. */
class DelayedTasksOnClusterTest {

    private static RedisClusterBed cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterBed.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void delayingMovingListingCancellingAndPushingNowWorkOnEveryMaster() {
        UnifiedJedis redis = cluster.client();
        Set<HostAndPort> mastersSeen = new HashSet<>();
        for (String queue : List.of("task_queue", "mail", "reports", "q1", "q2", "q3")) {
            var keys = new QueueKeys(queue);
            mastersSeen.add(cluster.masterOf(queue));
            var delayed = new DelayedTasks(redis, keys);
            Instant now = delayed.redisNow();
            byte[] due = bytes("{\"worker\":\"due\"}");
            byte[] later = bytes("{\"worker\":\"later\"}");
            byte[] cancelMe = bytes("{\"worker\":\"cancel me\"}");
            delayed.delay(due, now.minusSeconds(1));
            delayed.delay(later, now.plus(Duration.ofHours(1)));
            delayed.delay(cancelMe, now.plus(Duration.ofHours(2)));

            assertEquals(1, DueSetMover.delayed(redis, keys).moveDue(), queue);
            assertEquals(0, DueSetMover.retries(redis, keys).moveDue(), queue);
            assertEquals(List.of("{\"worker\":\"due\"}"), redis.lrange(keys.queue(), 0, -1), queue);
            assertEquals(2, delayed.earliest(10).size(), queue);
            QueueCounts counts = QueueCounts.read(redis, keys);
            assertEquals(2, counts.delayed(), queue);
            assertEquals(DelayedTasks.score(now.plus(Duration.ofHours(1))), counts.delayedOldestDue(), 0.001, queue);

            assertTrue(delayed.cancel(DelayedTasks.idOf(cancelMe)).isPresent(), queue);
            assertTrue(delayed.pushNow(DelayedTasks.idOf(later)).isPresent(), queue);
            assertEquals(List.of("{\"worker\":\"later\"}", "{\"worker\":\"due\"}"), redis.lrange(keys.queue(), 0, -1));
            assertEquals(0, redis.zcard(keys.delayed()), queue);
        }
        assertTrue(mastersSeen.size() > 1, "the queues' slots lie on more than one master: " + mastersSeen);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
