package io.taskhost.host.retries;

import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.queue.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The retries waiting for their time ({@link QueueKeys#retries()}, scored in epoch millis), as an
 * operator sees them: a page of them, and one run now or deleted. A retry is named by the same
 * kind of id as a delayed task ({@link DelayedTasks#idOf}), derived from its bytes.
 */
public final class WaitingRetries {

    private static final int SCAN_COUNT = 1000;

    /** Takes the retry out; if it was still there, pushes it where the mover would, at the consuming end. */
    private static final byte[] RUN_NOW = """
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
              redis.call('RPUSH', KEYS[2], ARGV[1])
              return 1
            end
            return 0
            """.getBytes(StandardCharsets.UTF_8);

    /**
     * One waiting retry.
     *
     * @param dueMillis when it goes back on the queue, epoch millis
     * @param payload   its bytes: the producer's payload with the attempts so far
     */
    public record WaitingRetry(String id, long dueMillis, byte[] payload) {
    }

    private final UnifiedJedis redis;
    private final QueueKeys keys;

    public WaitingRetries(UnifiedJedis redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public long count() {
        return redis.zcard(keys.retries());
    }

    /** Up to {@code limit} retries from position {@code offset}, due first first: one {@code ZRANGE}. */
    public List<WaitingRetry> page(long offset, int limit) {
        List<WaitingRetry> retries = new ArrayList<>();
        for (Tuple member : redis.zrangeWithScores(bytes(keys.retries()), offset, offset + limit - 1)) {
            retries.add(retry(member));
        }
        return retries;
    }

    /** The retry with id {@code id}, read through the whole set. */
    public Optional<WaitingRetry> find(String id) {
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        ScanParams params = new ScanParams().count(SCAN_COUNT);
        do {
            ScanResult<Tuple> page = redis.zscan(bytes(keys.retries()), cursor, params);
            for (Tuple member : page.getResult()) {
                if (DelayedTasks.idOf(member.getBinaryElement()).equals(id)) {
                    return Optional.of(retry(member));
                }
            }
            cursor = page.getCursorAsBytes();
        } while (!ScanParams.SCAN_POINTER_START.equals(new String(cursor, StandardCharsets.UTF_8)));
        return Optional.empty();
    }

    /**
     * Puts retry {@code id} on the queue's consuming end now, where it would have gone when due, and
     * takes it out of the retry set in one script; empty when it moved or went meanwhile.
     */
    public Optional<WaitingRetry> runNow(String id) {
        return find(id).filter(retry -> ((Long) redis.eval(RUN_NOW, List.of(bytes(keys.retries()),
                bytes(keys.queue())), List.of(retry.payload()))) == 1);
    }

    /** Removes retry {@code id} for good: it neither runs again nor becomes a dead letter. */
    public Optional<WaitingRetry> delete(String id) {
        return find(id).filter(retry -> redis.zrem(bytes(keys.retries()), retry.payload()) == 1);
    }

    private static WaitingRetry retry(Tuple member) {
        return new WaitingRetry(DelayedTasks.idOf(member.getBinaryElement()), (long) member.getScore(),
                member.getBinaryElement());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
