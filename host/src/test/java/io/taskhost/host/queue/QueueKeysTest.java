package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

class QueueKeysTest {

    @Test
    void everyDerivedKeyHashesToTheQueueKeysClusterSlot() {
        var keys = new QueueKeys("task_queue");
        int slot = JedisClusterCRC16.getSlot("task_queue");
        for (String key : new String[] {keys.processing("host-1"), keys.outcomes(), keys.dead(), keys.deadRecords(),
                keys.deadPayloads(), keys.stats()}) {
            assertEquals(slot, JedisClusterCRC16.getSlot(key), key);
        }
        assertEquals("{task_queue}:processing:host-1", keys.processing("host-1"));
    }

    @Test
    void aQueueKeyWithBracesIsRefusedBecauseItWouldBreakTheHashTag() {
        assertThrows(IllegalArgumentException.class, () -> new QueueKeys("a{b}"));
    }

    @Test
    void passwordsAreMaskedInUrls() {
        assertEquals("redis://app:***@db:6379/2", RedisConnector.masked("redis://app:s3cret@db:6379/2"));
        assertEquals("rediss://:***@db:6380", RedisConnector.masked("rediss://:s3cret@db:6380"));
        assertEquals("redis://db:6379", RedisConnector.masked("redis://db:6379"));
    }
}
