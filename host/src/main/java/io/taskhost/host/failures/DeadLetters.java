package io.taskhost.host.failures;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * The dead letters of one queue, as {@code OutcomeLog} writes them: read them, push their payloads
 * back onto the queue, or delete them all. Each retry is one Lua script, so a dead letter is either
 * still there or back on the queue, never both and never neither.
 */
public final class DeadLetters {

    /**
     * ARGV[2] is LREM's count: 1 searches the list from its newest end, -1 from its oldest. An id
     * whose payload is gone leaves the list too, so that {@link #retryAll()} always gets further.
     */
    private static final byte[] RETRY = """
            redis.call('LREM', KEYS[1], tonumber(ARGV[2]), ARGV[1])
            local payload = redis.call('HGET', KEYS[3], ARGV[1])
            if not payload then return false end
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('LPUSH', KEYS[4], payload)
            return payload
            """.getBytes(StandardCharsets.UTF_8);

    /** UNLINK, not DEL: a million dead letters are freed in the background, not while Redis serves no one. */
    private static final byte[] PURGE = """
            local count = redis.call('HLEN', KEYS[2])
            redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3])
            return count
            """.getBytes(StandardCharsets.UTF_8);

    /** Dead letters read by one command at most: no single read of a long list or of big payloads holds Redis up. */
    private static final int PAGE = 100;
    private static final String NEWEST_FIRST = "1";
    private static final String OLDEST_FIRST = "-1";

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
        List<DeadLetter> letters = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        // A page at a time, so that a large limit never asks Redis for a huge reply in one command.
        for (long from = 0; from < limit; from += PAGE) {
            List<String> ids = redis.lrange(keys.dead(), from, Math.min(from + PAGE, limit) - 1);
            if (ids.isEmpty()) {
                break;
            }
            byte[][] fields = ids.stream().map(DeadLetters::bytes).toArray(byte[][]::new);
            List<byte[]> records = redis.hmget(bytes(keys.deadRecords()), fields);
            List<byte[]> payloads = redis.hmget(bytes(keys.deadPayloads()), fields);
            for (int i = 0; i < ids.size(); i++) {
                // Retried or purged meanwhile; or, pushed down by a newer dead letter, read on the page before.
                if (records.get(i) == null || payloads.get(i) == null || !seen.add(ids.get(i))) {
                    continue;
                }
                letters.add(letter(ids.get(i), new String(records.get(i), StandardCharsets.UTF_8), payloads.get(i)));
            }
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
        return retry(id, NEWEST_FIRST);
    }

    /** @param searchFrom where LREM starts looking for the id in the list of dead letters, which it stops at */
    private Optional<byte[]> retry(String id, String searchFrom) {
        Object pushed = redis.eval(RETRY,
                List.of(bytes(keys.dead()), bytes(keys.deadRecords()), bytes(keys.deadPayloads()), bytes(keys.queue())),
                List.of(bytes(id), bytes(searchFrom)));
        return Optional.ofNullable((byte[]) pushed);
    }

    /**
     * Retries every dead letter there is when called, oldest first, each on its own.
     *
     * @return how many were pushed back onto the queue
     */
    public int retryAll() {
        // Dead letters arrive at the head and are taken from the tail, a page at a time: the list can
        // be long, and a single LRANGE of all of it would stall Redis. Only those there at the start
        // are retried, up to the newest of them, so a task that fails again meanwhile is not retried twice.
        String newest = redis.lindex(keys.dead(), 0);
        long atStart = redis.llen(keys.dead());
        int retried = 0;
        long seen = 0;
        while (seen < atStart) {
            List<String> oldestLast = redis.lrange(keys.dead(), -PAGE, -1);
            if (oldestLast.isEmpty()) {
                break;
            }
            for (int i = oldestLast.size() - 1; i >= 0 && seen < atStart; i--) {
                String id = oldestLast.get(i);
                seen++;
                // From the oldest end, LREM finds it at once.
                if (retry(id, OLDEST_FIRST).isPresent()) {
                    retried++;
                }
                if (id.equals(newest)) {
                    return retried;
                }
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
