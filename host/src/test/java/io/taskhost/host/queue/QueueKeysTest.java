package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

class QueueKeysTest {

    /**
     * On Redis Cluster, one command or script may touch only keys of one slot: every key of a queue,
     * and every key a new method of QueueKeys makes, must hash to the slot of the producers' list.
     */
    @Test
    void everyKeyOfAQueueHashesToTheSlotOfTheProducersList() throws Exception {
        for (String queue : List.of("task_queue", "jobs", "mail:outbox", "queue-with.dots_and-dashes", "q")) {
            var keys = new QueueKeys(queue);
            int slot = JedisClusterCRC16.getSlot(queue);
            List<String> derived = derivedKeys(keys);
            assertTrue(derived.size() >= 15, "every key method is called: " + derived);
            for (String key : derived) {
                assertEquals(slot, JedisClusterCRC16.getSlot(key), queue + ": " + key);
            }
        }
        assertEquals(9914, JedisClusterCRC16.getSlot("task_queue"), "CLUSTER KEYSLOT task_queue");
        assertEquals("{task_queue}:processing:host-1", new QueueKeys("task_queue").processing("host-1"));
    }

    /** What each public method of QueueKeys that makes a key makes, with sample names for its arguments. */
    private static List<String> derivedKeys(QueueKeys keys) throws ReflectiveOperationException {
        List<String> derived = new ArrayList<>();
        for (Method method : QueueKeys.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())
                    || method.getName().equals("toString") || method.getReturnType() != String.class
                    || !Arrays.stream(method.getParameterTypes()).allMatch(type -> type == String.class)) {
                continue;
            }
            Object[] arguments = new Object[method.getParameterCount()];
            Arrays.fill(arguments, "web-1-3f2a9c1d");
            derived.add((String) method.invoke(keys, arguments));
        }
        return derived;
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
