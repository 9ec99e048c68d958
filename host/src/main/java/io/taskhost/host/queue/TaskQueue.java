package io.taskhost.host.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;

/**
 * The producers' list, read the way their {@code LPUSH} expects (FIFO), with a reliable fetch:
 * each task moves atomically into this host's processing list and stays there until its
 * outcome is recorded.
 */
public final class TaskQueue {

    private static final byte[] PUT_BACK = """
            local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
            if removed == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
            return removed
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final byte[] queue;
    private final byte[] processing;
    private final double fetchTimeoutSeconds;

    public TaskQueue(UnifiedJedis redis, QueueKeys keys, String hostId, Duration fetchTimeout) {
        this.redis = redis;
        this.queue = bytes(keys.queue());
        this.processing = bytes(keys.processing(hostId));
        this.fetchTimeoutSeconds = fetchTimeout.toMillis() / 1000.0;
    }

    /** Waits up to the fetch timeout for the oldest task; its exact bytes, or empty on timeout. */
    public Optional<byte[]> fetch() {
        return Optional.ofNullable(
                redis.blmove(queue, processing, ListDirection.RIGHT, ListDirection.LEFT, fetchTimeoutSeconds));
    }

    /** Returns a task this host took but will not run to the consuming end, to be fetched next. */
    public boolean putBack(byte[] payload) {
        return Long.valueOf(1).equals(redis.eval(PUT_BACK, List.of(processing, queue), List.of(payload)));
    }

    /** What this host's processing list holds. */
    public List<byte[]> processing() {
        return redis.lrange(processing, 0, -1);
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
