package io.taskhost.host.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/** What {@link DeadLetters} asks of Redis on a long list of dead letters. */
class DeadLettersTest {

    /** Dead letters as OutcomeLog lays them out: ids LPUSHed, newest first; records and payloads by id. */
    private static List<String> seed(UnifiedJedis redis, QueueKeys keys, int count) {
        List<String> ids = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < count; i++) {
                String id = "dead-" + i;
                ids.add(id);
                pipeline.lpush(keys.dead(), id);
                pipeline.hset(keys.deadRecords(), id, "{\"id\":\"" + id + "\"}");
                pipeline.hset(keys.deadPayloads(), id, "{\"worker\":\"w" + i + "\"}");
            }
            pipeline.sync();
        }
        return ids;
    }

    @Test
    void purgeUnlinksTheThreeKeysAndDeletesNothingWithDel() {
        // A server of its own: INFO commandstats counts every client's commands, scripts' included.
        try (TestRedis server = TestRedis.startNew(); UnifiedJedis redis = server.client()) {
            var keys = new QueueKeys(TestHosts.uniqueQueue());
            seed(redis, keys, 5_000);
            redis.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");

            long purged = new DeadLetters(redis, keys).purge();

            assertEquals(5_000, purged);
            String stats = redis.info("commandstats");
            assertTrue(stats.contains("cmdstat_unlink:calls=1,"), stats);
            assertFalse(stats.contains("cmdstat_del:"), stats);
            assertEquals(0, redis.exists(keys.dead(), keys.deadRecords(), keys.deadPayloads()));
        }
    }

    @Test
    void retryAllPushesEveryDeadLetterBackOldestFirstPageByPage() {
        UnifiedJedis redis = TestRedis.shared().client();
        try (redis) {
            var keys = new QueueKeys(TestHosts.uniqueQueue());
            List<String> oldestFirst = seed(redis, keys, 1_203);
            // An id whose record and payload are gone, as a crash between two writes could leave it.
            redis.rpush(keys.dead(), "stale");

            int retried = new DeadLetters(redis, keys).retryAll();

            assertEquals(1_203, retried);
            List<String> consumedOrder = new ArrayList<>(redis.lrange(keys.queue(), 0, -1));
            Collections.reverse(consumedOrder);
            List<String> expected = oldestFirst.stream().map(id -> "{\"worker\":\"w" + id.substring(5) + "\"}")
                    .toList();
            assertEquals(expected, consumedOrder);
            assertEquals(0, redis.exists(keys.dead(), keys.deadRecords(), keys.deadPayloads()));
        }
    }

    @Test
    void newestReadsPageByPageAndGivesTheNewestFirst() {
        UnifiedJedis redis = TestRedis.shared().client();
        try (redis) {
            var keys = new QueueKeys(TestHosts.uniqueQueue());
            List<String> oldestFirst = seed(redis, keys, 250);

            List<DeadLetter> newest = new DeadLetters(redis, keys).newest(230);

            List<String> expected = new ArrayList<>(oldestFirst.subList(20, 250));
            Collections.reverse(expected);
            assertEquals(expected, newest.stream().map(DeadLetter::id).toList());
            assertEquals("{\"worker\":\"w249\"}", new String(newest.get(0).payload(), StandardCharsets.UTF_8));
        }
    }
}
