package io.taskhost.host.status;

import io.taskhost.host.queue.QueueKeys;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * How many tasks wait in each of a queue's places, and its counters, read in one round trip.
 *
 * @param delayedOldestDue the due time of the earliest delayed task, in epoch seconds as scored; null when none
 *                         is delayed, or it is due never or at once ({@code +inf} or {@code -inf})
 * @param stats            the {@code {queue}:stats} counters
 */
public record QueueCounts(long queue, long dead, long retry, long parked, long delayed, Double delayedOldestDue,
                          Map<String, Long> stats) {

    /** @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be read */
    public static QueueCounts read(UnifiedJedis redis, QueueKeys keys) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Response<Long> queue = pipeline.llen(keys.queue());
            Response<Long> dead = pipeline.llen(keys.dead());
            Response<Long> retry = pipeline.zcard(keys.retries());
            Response<Long> parked = pipeline.zcard(keys.parked());
            Response<Long> delayed = pipeline.zcard(keys.delayed());
            Response<List<Tuple>> earliestDelayed = pipeline.zrangeWithScores(keys.delayed(), 0, 0);
            Response<Map<String, String>> stats = pipeline.hgetAll(keys.stats());
            pipeline.sync();
            return new QueueCounts(queue.get(), dead.get(), retry.get(), parked.get(), delayed.get(),
                    earliestDelayed.get().stream().map(Tuple::getScore).filter(Double::isFinite).findFirst()
                            .orElse(null),
                    numbers(stats.get()));
        }
    }

    private static Map<String, Long> numbers(Map<String, String> counters) {
        Map<String, Long> numbers = new TreeMap<>();
        counters.forEach((name, value) -> {
            try {
                numbers.put(name, Long.parseLong(value));
            } catch (NumberFormatException e) {
                // Someone else's field in the hash: not a counter of ours.
            }
        });
        return numbers;
    }
}
