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
import java.util.function.Predicate;
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

    /** Removes one dead letter, its id from the list and its record and payload; returns how many fields went. */
    private static final byte[] DELETE = """
            redis.call('LREM', KEYS[1], 1, ARGV[1])
            return redis.call('HDEL', KEYS[2], ARGV[1]) + redis.call('HDEL', KEYS[3], ARGV[1])
            """.getBytes(StandardCharsets.UTF_8);

    /** UNLINK, not DEL: a million dead letters are freed in the background, not while Redis serves no one. */
    private static final byte[] PURGE = """
            local count = redis.call('HLEN', KEYS[2])
            redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3])
            return count
            """.getBytes(StandardCharsets.UTF_8);

    /** Dead letters read by one command at most: no single read of a long list or of big payloads holds Redis up. */
    private static final int PAGE = 100;
    private static final byte[] NO_PAYLOAD = new byte[0];
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

    /**
     * One page of the dead letters that {@code filter} accepts, newest first, from list index
     * {@code offset} on: ids are read a page at a time and their records with them, and the scan
     * stops after {@code limit} matches or {@code window} ids, whichever comes first, so a request
     * never reads more than {@code window} entries of a long list. Payloads are read only for the
     * letters returned.
     *
     * @param filter sees each letter's record; its payload is not read yet, so it is empty
     */
    public Page page(long offset, int limit, Predicate<DeadLetter> filter, int window) {
        if (offset < 0 || limit < 1 || window < 1) {
            throw new IllegalArgumentException("offset must be at least 0 and limit and window at least 1, not "
                    + offset + ", " + limit + ", " + window);
        }
        long total = redis.llen(keys.dead());
        List<String> matched = new ArrayList<>();
        List<String> matchedRecords = new ArrayList<>();
        long next = offset;
        boolean more = true;
        while (matched.size() < limit && next - offset < window && more) {
            int count = (int) Math.min(PAGE, offset + window - next);
            List<String> ids = redis.lrange(keys.dead(), next, next + count - 1);
            more = ids.size() == count;
            if (ids.isEmpty()) {
                break;
            }
            List<byte[]> records = redis.hmget(bytes(keys.deadRecords()),
                    ids.stream().map(DeadLetters::bytes).toArray(byte[][]::new));
            int i = 0;
            for (; i < ids.size() && matched.size() < limit; i++) {
                if (records.get(i) == null || matched.contains(ids.get(i))) {
                    continue;
                }
                String recordJson = new String(records.get(i), StandardCharsets.UTF_8);
                if (filter.test(letter(ids.get(i), recordJson, NO_PAYLOAD))) {
                    matched.add(ids.get(i));
                    matchedRecords.add(recordJson);
                }
            }
            next += i;
        }
        List<DeadLetter> letters = new ArrayList<>();
        if (!matched.isEmpty()) {
            List<byte[]> payloads = redis.hmget(bytes(keys.deadPayloads()),
                    matched.stream().map(DeadLetters::bytes).toArray(byte[][]::new));
            for (int i = 0; i < matched.size(); i++) {
                if (payloads.get(i) != null) {
                    letters.add(letter(matched.get(i), matchedRecords.get(i), payloads.get(i)));
                }
            }
        }
        return new Page(letters, total, offset, next - offset, next < total ? next : -1);
    }

    /**
     * @param total      dead letters in the list when the page was read
     * @param scanned    ids looked at from {@code offset} on
     * @param nextOffset where the next page starts, or -1 at the end of the list
     */
    public record Page(List<DeadLetter> letters, long total, long offset, long scanned, long nextOffset) {
    }

    /**
     * Deletes one dead letter, its record and its payload, for good.
     *
     * @return false when there was none with that id
     */
    public boolean delete(String id) {
        Object removed = redis.eval(DELETE,
                List.of(bytes(keys.dead()), bytes(keys.deadRecords()), bytes(keys.deadPayloads())), List.of(bytes(id)));
        return removed instanceof Long count && count > 0;
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
