package io.taskhost.host.failures;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * The dead letters of one queue, as {@code OutcomeLog} writes them: read them, push their payloads
 * back onto the queue, or delete them all. Each retry is one Lua script, so a dead letter is either
 * still there or back on the queue, never both and never neither.
 */
public final class DeadLetters {

    private static final byte[] RETRY = """
            local payload = redis.call('HGET', KEYS[3], ARGV[1])
            if not payload then return false end
            redis.call('LREM', KEYS[1], 0, ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('LPUSH', KEYS[4], payload)
            return payload
            """.getBytes(StandardCharsets.UTF_8);

    private static final byte[] PURGE = """
            local count = redis.call('HLEN', KEYS[2])
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
            return count
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final ObjectMapper mapper = new ObjectMapper();

    public DeadLetters(UnifiedJedis redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The newest {@code limit} dead letters, newest first. */
    public List<DeadLetter> newest(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        List<String> ids = redis.lrange(keys.dead(), 0, limit - 1L);
        if (ids.isEmpty()) {
            return List.of();
        }
        byte[][] fields = ids.stream().map(DeadLetters::bytes).toArray(byte[][]::new);
        List<byte[]> records = redis.hmget(bytes(keys.deadRecords()), fields);
        List<byte[]> payloads = redis.hmget(bytes(keys.deadPayloads()), fields);
        List<DeadLetter> letters = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            // Retried or purged between the LRANGE and the HMGETs.
            if (records.get(i) == null || payloads.get(i) == null) {
                continue;
            }
            letters.add(letter(ids.get(i), new String(records.get(i), StandardCharsets.UTF_8), payloads.get(i)));
        }
        return letters;
    }

    public Optional<DeadLetter> find(String id) {
        String record = redis.hget(keys.deadRecords(), id);
        byte[] payload = redis.hget(bytes(keys.deadPayloads()), bytes(id));
        if (record == null || payload == null) {
            return Optional.empty();
        }
        return Optional.of(letter(id, record, payload));
    }

    /**
     * Takes the dead letter out of the dead letters and {@code LPUSH}es its original payload onto
     * the queue, as a producer would.
     *
     * @return the payload pushed, or empty when there is no dead letter {@code id}
     */
    public Optional<byte[]> retry(String id) {
        Object pushed = redis.eval(RETRY,
                List.of(bytes(keys.dead()), bytes(keys.deadRecords()), bytes(keys.deadPayloads()), bytes(keys.queue())),
                List.of(bytes(id)));
        return Optional.ofNullable((byte[]) pushed);
    }

    /**
     * Retries every dead letter there is when called, oldest first, each on its own.
     *
     * @return how many were pushed back onto the queue
     */
    public int retryAll() {
        // A snapshot, so that a task which fails again while this runs is not retried a second time.
        List<String> newestFirst = redis.lrange(keys.dead(), 0, -1);
        int retried = 0;
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            if (retry(newestFirst.get(i)).isPresent()) {
                retried++;
            }
        }
        return retried;
    }

    /**
     * Deletes every dead letter, records and payloads, at once.
     *
     * @return how many dead letters there were
     */
    public long purge() {
        return (Long) redis.eval(PURGE,
                List.of(bytes(keys.dead()), bytes(keys.deadRecords()), bytes(keys.deadPayloads())), List.of());
    }

    private DeadLetter letter(String id, String recordJson, byte[] payload) {
        JsonNode record;
        try {
            record = mapper.readTree(recordJson);
        } catch (JsonProcessingException e) {
            throw unreadable(id, e.getOriginalMessage(), e);
        }
        if (record == null || !record.isObject()) {
            throw unreadable(id, "not an object", null);
        }
        return new DeadLetter(id, recordJson, record, payload);
    }

    private UnreadableDeadLetterException unreadable(String id, String problem, Throwable cause) {
        return new UnreadableDeadLetterException(
                "the record of dead letter " + id + " in " + keys.deadRecords() + " is not a JSON object: " + problem,
                cause);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
