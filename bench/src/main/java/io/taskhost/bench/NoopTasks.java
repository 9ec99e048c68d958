package io.taskhost.bench;

import io.taskhost.host.Host;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.queue.QueueKeys;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** The benchmark's trivial tasks, as a producer pushes them, and the waits for a host to get through them. */
final class NoopTasks {

    static final String NOOP = "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[]}";
    private static final Duration ARCHIVE_WAIT = Duration.ofMinutes(2);

    private NoopTasks() {
    }

    /** {@code count} noop tasks onto the queue, a thousand per LPUSH. */
    static void push(UnifiedJedis client, QueueKeys keys, int count) {
        push(client, keys, count, NOOP);
    }

    /** {@code count} copies of {@code payload} onto the queue, a thousand per LPUSH. */
    static void push(UnifiedJedis client, QueueKeys keys, int count, String payload) {
        for (int pushed = 0; pushed < count; pushed += 1000) {
            String[] payloads = new String[Math.min(1000, count - pushed)];
            Arrays.fill(payloads, payload);
            client.lpush(keys.queue(), payloads);
        }
    }

    /** Until the queue's hosts have processed {@code count} tasks in all. */
    static void awaitProcessed(UnifiedJedis client, QueueKeys keys, long count) {
        while (true) {
            String processed = client.hget(keys.stats(), "processed");
            if (processed != null && Long.parseLong(processed) >= count) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /**
     * Tasks a second of a host started with {@code settings} in a burst of {@code burst} noop tasks,
     * after {@code warmUp} unmeasured ones and its class-data archive.
     */
    static double hostTasksPerSecond(HostSettings settings, int burst, int warmUp) throws Exception {
        var keys = new QueueKeys(settings.queue());
        try (Host host = Host.start(settings); UnifiedJedis client = RedisClient.create(URI.create(settings.redisUrl()))) {
            push(client, keys, warmUp);
            awaitProcessed(client, keys, warmUp);
            awaitClassData(host);
            long start = System.nanoTime();
            push(client, keys, burst);
            awaitProcessed(client, keys, warmUp + burst);
            return burst / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Until its archives are built, a host with class-data sharing starts its workers without. */
    static void awaitClassData(Host host) {
        long deadline = System.nanoTime() + ARCHIVE_WAIT.toNanos();
        while (host.classData().enabled() && (host.classData().building() > 0 || host.classData().ready() == 0)
                && host.classData().unusable() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
