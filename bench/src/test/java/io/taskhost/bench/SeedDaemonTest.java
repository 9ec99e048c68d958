package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.queue.EmbeddedRedis;
import io.taskhost.host.queue.QueueKeys;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The seed's PHP daemon, as the benchmark runs it, gets through a queue of the producers' tasks
 * with several daemons at once and stops when the queue is empty. {@code .ci/run} installs php
 * and its redis extension, so that this runs in CI.
 */
class SeedDaemonTest {

    private static final int TASKS = 40;

    @TempDir
    Path work;

    @Test
    void severalDaemonsEmptyTheQueueAndStop() throws Exception {
        assertEquals(Optional.empty(), SeedDaemon.missing(), "php with its redis extension, as .ci/run installs");
        var keys = new QueueKeys("seed-queue");
        try (EmbeddedRedis redis = EmbeddedRedis.start(0);
             UnifiedJedis client = RedisClient.create(URI.create(redis.url()))) {
            double perSecond = SeedDaemon.in(work).tasksPerSecond(client, redis.port(), keys, 2, TASKS);

            assertTrue(perSecond > 0);
            assertEquals(0, client.llen(keys.queue()));
        }
    }
}
