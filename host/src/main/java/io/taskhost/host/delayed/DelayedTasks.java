package io.taskhost.host.delayed;

import io.taskhost.host.queue.QueueKeys;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The tasks producers delayed ({@link QueueKeys#delayed()}), as operators and scripts see them: delay
 * one, list the earliest, cancel one, or push one onto the queue now. A delayed task is named by its
 * {@link #idOf id}, derived from its payload's bytes, so the id stays the same for as long as the
 * task waits, whatever else is added or moves.
 */
public final class DelayedTasks {

    static final int ID_LENGTH = 12;
    private static final int SCAN_COUNT = 1000;

    /** Takes the member out of the delayed set; if it was still there, pushes it as its producer would. */
    private static final byte[] PUSH_NOW = """
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
              redis.call('LPUSH', KEYS[2], ARGV[1])
              return 1
            end
            return 0
            """.getBytes(StandardCharsets.UTF_8);

    private static final byte[] TIME = "return redis.call('TIME')".getBytes(StandardCharsets.UTF_8);

    /**
     * One delayed task.
     *
     * @param id      the first {@value #ID_LENGTH} hex digits of the SHA-256 of its payload
     * @param due     its score: epoch seconds, fractions allowed
     * @param payload its bytes, as the producer wrote them
     */
    public record DelayedTask(String id, double due, byte[] payload) {

        public Instant dueInstant() {
            return instant(due);
        }

        /** The payload as text, invalid UTF-8 shown as U+FFFD; never printed without escaping its control characters. */
        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final UnifiedJedis redis;
    private final QueueKeys keys;

    public DelayedTasks(UnifiedJedis redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * Adds the task due at {@code due}, as a producer's {@code ZADD} does. An identical payload already
     * delayed is the same member: it is not added twice, only its due time changes.
     *
     * @return whether the payload was new to the set
     */
    public boolean delay(byte[] payload, Instant due) {
        return redis.zadd(bytes(keys.delayed()), score(due), payload) == 1;
    }

    /**
     * Redis's clock, which the hosts move delayed tasks by: the clock of the node that holds the
     * delayed set, which the key given to the script routes to on a Cluster.
     */
    public Instant redisNow() {
        List<?> time = (List<?>) redis.eval(TIME, List.of(bytes(keys.delayed())), List.of());
        return Instant.ofEpochSecond(Long.parseLong(text(time.get(0))), Long.parseLong(text(time.get(1))) * 1000);
    }

    private static String text(Object reply) {
        return reply instanceof byte[] raw ? new String(raw, StandardCharsets.US_ASCII) : String.valueOf(reply);
    }

    /** The {@code limit} tasks due first, earliest first. */
    public List<DelayedTask> earliest(int limit) {
        return page(0, limit);
    }

    /** Up to {@code limit} tasks from position {@code offset} in due order: one {@code ZRANGE}, never the whole set. */
    public List<DelayedTask> page(long offset, int limit) {
        List<DelayedTask> tasks = new ArrayList<>();
        for (Tuple member : redis.zrangeWithScores(bytes(keys.delayed()), offset, offset + limit - 1)) {
            tasks.add(task(member));
        }
        return tasks;
    }

    public long count() {
        return redis.zcard(keys.delayed());
    }

    /** The delayed task with id {@code id}, read through the whole set. */
    public Optional<DelayedTask> find(String id) {
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        ScanParams params = new ScanParams().count(SCAN_COUNT);
        do {
            ScanResult<Tuple> page = redis.zscan(bytes(keys.delayed()), cursor, params);
            for (Tuple member : page.getResult()) {
                if (idOf(member.getBinaryElement()).equals(id)) {
                    return Optional.of(task(member));
                }
            }
            cursor = page.getCursorAsBytes();
        } while (!ScanParams.SCAN_POINTER_START.equals(new String(cursor, StandardCharsets.UTF_8)));
        return Optional.empty();
    }

    /** Removes the delayed task {@code id}; empty when no task has that id, or it moved or went meanwhile. */
    public Optional<DelayedTask> cancel(String id) {
        return find(id).filter(task -> redis.zrem(bytes(keys.delayed()), task.payload()) == 1);
    }

    /**
     * Pushes the delayed task {@code id} onto the queue now, at the producers' end, and takes it out of
     * the delayed set, in one step; empty when no task has that id, or it moved or went meanwhile.
     */
    public Optional<DelayedTask> pushNow(String id) {
        return find(id).filter(task -> ((Long) redis.eval(PUSH_NOW, List.of(bytes(keys.delayed()), bytes(keys.queue())),
                List.of(task.payload()))) == 1);
    }

    /** The id of a delayed payload: the first {@value #ID_LENGTH} hex digits of the SHA-256 of its bytes. */
    public static String idOf(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)).substring(0, ID_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A due time as the delayed set scores it: epoch seconds with a fraction. */
    public static double score(Instant due) {
        return BigDecimal.valueOf(due.getEpochSecond()).add(BigDecimal.valueOf(due.getNano(), 9)).doubleValue();
    }

    /**
     * A score of the delayed set as an instant, to the microsecond a double holds there; a score
     * beyond what an instant holds (anyone may {@code ZADD} 1e300) is {@link Instant#MAX} or {@link Instant#MIN}.
     */
    public static Instant instant(double score) {
        if (score >= Instant.MAX.getEpochSecond()) {
            return Instant.MAX;
        }
        if (score <= Instant.MIN.getEpochSecond()) {
            return Instant.MIN;
        }
        BigDecimal exact = new BigDecimal(score);
        long seconds = exact.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        long micros = exact.subtract(BigDecimal.valueOf(seconds)).movePointRight(6)
                .setScale(0, java.math.RoundingMode.HALF_UP).longValue();
        return Instant.ofEpochSecond(seconds, micros * 1000);
    }

    private static DelayedTask task(Tuple member) {
        return new DelayedTask(idOf(member.getBinaryElement()), member.getScore(), member.getBinaryElement());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
