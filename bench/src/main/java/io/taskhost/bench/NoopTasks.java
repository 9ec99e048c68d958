package io.taskhost.bench;

import io.taskhost.host.Host;
import io.taskhost.host.queue.QueueKeys;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.UnifiedJedis;

/** The benchmark's trivial tasks, as a producer pushes them, and the waits for a host to get through them. */
final class NoopTasks {

    static final String NOOP = "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[]}";
    private static final Duration ARCHIVE_WAIT = Duration.ofMinutes(2);

    private NoopTasks() {
    }

    /** {@code count} noop tasks onto the queue, a thousand per LPUSH. */
    static void push(UnifiedJedis client, QueueKeys keys, int count) {
        for (int pushed = 0; pushed < count; pushed += 1000) {
            String[] payloads = new String[Math.min(1000, count - pushed)];
            Arrays.fill(payloads, NOOP);
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

    /** Until its archives are built, a host with class-data sharing starts its workers without. */
    static void awaitClassData(Host host) {
        long deadline = System.nanoTime() + ARCHIVE_WAIT.toNanos();
        while (host.classData().enabled() && (host.classData().building() > 0 || host.classData().ready() == 0)
                && host.classData().unusable() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
