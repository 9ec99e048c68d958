package io.taskhost.host.retries;

import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Moves retries that have fallen due from the retry set to the consuming end of the queue, in
 * one script per batch, so a retry is never both waiting and queued, nor neither. Every host
 * runs one; whichever gets there first moves a given retry.
 */
public final class RetryScheduler {

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
    private static final int BATCH = 100;

    private static final byte[] MOVE_DUE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, payload in ipairs(due) do
              redis.call('ZREM', KEYS[1], payload)
              redis.call('RPUSH', KEYS[2], payload)
            end
            return #due
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final Clock clock;

    public RetryScheduler(UnifiedJedis redis, QueueKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** Moves every due retry; meant to run every second or so. */
    public void moveDue() {
        try {
            long moved;
            do {
                moved = (Long) redis.eval(MOVE_DUE, List.of(bytes(keys.retries()), bytes(keys.queue())),
                        List.of(bytes(Long.toString(clock.millis())), bytes(Integer.toString(BATCH))));
                if (moved > 0) {
                    log.debug("moved {} due retries onto {}", moved, keys.queue());
                }
            } while (moved == BATCH);
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot move due retries ({}); trying again shortly",
                    RedisConnector.describe(e));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
