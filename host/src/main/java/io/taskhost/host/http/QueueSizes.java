package io.taskhost.host.http;

import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.status.QueueCounts;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The lengths of the queue, the dead letters, the retries, the parked and the delayed tasks, the
 * earliest delayed task's due time, and the queue's counters, read in one round trip and kept for
 * a second: a scrape reads Redis once for all its gauges, and an outage costs it one failed
 * attempt rather than one per gauge.
 */
final class QueueSizes {

    private static final Duration FRESH = Duration.ofSeconds(1);

    /**
     * How many entries each key holds.
     *
     * @param delayedOldestDue the earliest delayed task's due time in epoch seconds, as scored; null when none
     */
    record Counts(long queue, long dead, long retry, long parked, long delayed, Double delayedOldestDue) {
    }

    /**
     * @param counts null when Redis could not be read
     * @param stats  the {@code {queue}:stats} counters; null when Redis could not be read
     * @param error  why Redis could not be read
     */
    record Reading(Counts counts, Map<String, Long> stats, String error) {
    }

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final LongSupplier nanoClock;
    private Reading last;
    private long lastReadNanos;

    QueueSizes(UnifiedJedis redis, QueueKeys keys, LongSupplier nanoClock) {
        this.redis = redis;
        this.keys = keys;
        this.nanoClock = nanoClock;
    }

    String queue() {
        return keys.queue();
    }

    synchronized Reading read() {
        if (last == null || nanoClock.getAsLong() - lastReadNanos >= FRESH.toNanos()) {
            last = readNow();
            lastReadNanos = nanoClock.getAsLong();
        }
        return last;
    }

    private Reading readNow() {
        try {
            QueueCounts counts = QueueCounts.read(redis, keys);
            return new Reading(new Counts(counts.queue(), counts.dead(), counts.retry(), counts.parked(),
                    counts.delayed(), counts.delayedOldestDue()),
                    counts.stats(), null);
        } catch (JedisException e) {
            return new Reading(null, null, RedisConnector.describe(e));
        }
    }
}
