package io.taskhost.host.outcomes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.ReplicatedWrites;
import io.taskhost.host.queue.Script;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Records outcomes in Redis. Taking the task off its processing list, writing the outcome record
 * and counters, and scheduling the retry, requeueing it or dead-lettering it are one Lua script:
 * a crash leaves either all of it done or none, and the task is then still in the processing list,
 * to be run again rather than lost or recorded twice. The same script counts the outcome in its
 * minute's counters ({@link QueueKeys#minute(long)}), which the dashboard draws, so every host
 * contributes and a restart loses none.
 */
public final class OutcomeLog {

    private static final byte[] RECORD = """
            local removed
            if ARGV[9] ~= '' then
              removed = redis.call('ZREM', KEYS[1], ARGV[9])
              if KEYS[11] then redis.call('ZREM', KEYS[11], ARGV[9]) end
            else
              removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
            end
            if removed == 0 then return 0 end
            local disposition = ARGV[5]
            if disposition == 'parked' then
              redis.call('ZADD', KEYS[9], ARGV[7], ARGV[6])
              redis.call('ZADD', KEYS[11], ARGV[7], ARGV[6])
              redis.call('HINCRBY', KEYS[3], 'parked', 1)
              return 1
            end
            redis.call('LPUSH', KEYS[2], ARGV[2])
            redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
            redis.call('HINCRBY', KEYS[3], 'processed', 1)
            redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
            redis.call('HINCRBY', KEYS[10], ARGV[4], 1)
            redis.call('EXPIRE', KEYS[10], tonumber(ARGV[10]))
            if disposition == 'retry_scheduled' then
              redis.call('ZADD', KEYS[7], ARGV[7], ARGV[6])
              redis.call('HINCRBY', KEYS[3], 'retried', 1)
            elseif disposition == 'requeued' then
              redis.call('RPUSH', KEYS[8], ARGV[6])
              redis.call('HINCRBY', KEYS[3], 'retried', 1)
            elseif disposition == 'dead_lettered' then
              redis.call('LPUSH', KEYS[4], ARGV[8])
              redis.call('HSET', KEYS[5], ARGV[8], ARGV[2])
              redis.call('HSET', KEYS[6], ARGV[8], ARGV[6])
              redis.call('HINCRBY', KEYS[3], 'dead', 1)
            end
            return 1
            """.getBytes(StandardCharsets.UTF_8);

    private static final byte[] NOTHING = new byte[0];

    /** How long a minute's counters stay: a day, and an hour to draw the day's first bar whole. */
    public static final Duration MINUTES_KEPT = Duration.ofHours(25);

    private static final Long WRITTEN = 1L;

    private final ReplicatedWrites writes;
    private final QueueKeys keys;
    private final int outcomesKept;
    private final ObjectMapper mapper;

    /** A log whose records wait for no replica. */
    public OutcomeLog(UnifiedJedis redis, QueueKeys keys, int outcomesKept, ObjectMapper mapper) {
        this(ReplicatedWrites.unwaited(redis), keys, outcomesKept, mapper);
    }

    /** @param writes runs the record script, and waits for replicas to have what it wrote */
    public OutcomeLog(ReplicatedWrites writes, QueueKeys keys, int outcomesKept, ObjectMapper mapper) {
        this.writes = writes;
        this.keys = keys;
        this.outcomesKept = outcomesKept;
        this.mapper = mapper;
    }

    /**
     * Takes the task's {@code entry} off {@code processingKey} and records what became of it.
     * Entries are unique per attempt, so recording an attempt twice writes it once.
     *
     * @return false when the entry was no longer in that list (an earlier call whose reply was
     *         lost already recorded it, or another host recovered it), so nothing was written
     */
    public boolean record(String processingKey, byte[] entry, OutcomeRecord outcome, Disposition disposition) {
        return record(processingKey, NOTHING, null, entry, outcome, disposition);
    }

    /**
     * {@link #record(String, byte[], OutcomeRecord, Disposition)} of each of {@code outcomes}, then
     * {@code then} (the slot's take of its next tasks) unless it is null, all in one round trip: see
     * {@link ReplicatedWrites#evalInTurn}.
     *
     * @return whether each record was written, in order, and {@code then}'s reply (null without {@code then})
     */
    public Recorded recordThen(String processingKey, List<Pending> outcomes, Script then) {
        List<Script> scripts = new ArrayList<>(outcomes.size() + 1);
        for (Pending pending : outcomes) {
            scripts.add(script(processingKey, NOTHING, null, pending.entry(), pending.outcome(), pending.disposition()));
        }
        if (then != null) {
            scripts.add(then);
        }
        List<Object> replies = writes.evalInTurn(scripts);
        List<Boolean> written = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            written.add(WRITTEN.equals(replies.get(i)));
        }
        return new Recorded(written, then == null ? null : replies.get(outcomes.size()));
    }

    /**
     * An attempt's outcome to record.
     *
     * @param entry the attempt's entry in the processing list
     */
    public record Pending(byte[] entry, OutcomeRecord outcome, Disposition disposition) {
    }

    /**
     * What {@link #recordThen} did.
     *
     * @param written for each record, false when the entry was no longer in its list, so nothing was written
     * @param then    the reply of the script that followed the records
     */
    public record Recorded(List<Boolean> written, Object then) {
    }

    /**
     * Takes {@code member} out of the parked set, and out of the index of {@code taskClass} if it
     * is known, and records what became of its payload.
     *
     * @return false when another host released or expired it first
     */
    public boolean recordParked(byte[] member, String taskClass, byte[] payload, OutcomeRecord outcome,
                                Disposition disposition) {
        return record(keys.parked(), member, taskClass, payload, outcome, disposition);
    }

    private boolean record(String sourceKey, byte[] parkedMember, String taskClass, byte[] payload,
                           OutcomeRecord outcome, Disposition disposition) {
        Script record = script(sourceKey, parkedMember, taskClass, payload, outcome, disposition);
        return WRITTEN.equals(writes.eval(record));
    }

    private Script script(String sourceKey, byte[] parkedMember, String taskClass, byte[] payload,
                          OutcomeRecord outcome, Disposition disposition) {
        byte[] next = NOTHING;
        String dueAt = "";
        String deadId = "";
        String indexedClass = taskClass;
        if (disposition instanceof Disposition.RetryLater retry) {
            next = retry.nextPayload();
            dueAt = Long.toString(retry.dueAt());
        } else if (disposition instanceof Disposition.Requeue requeue) {
            next = requeue.nextPayload();
        } else if (disposition instanceof Disposition.DeadLetter dead) {
            next = dead.originalPayload();
            deadId = outcome.id();
        } else if (disposition instanceof Disposition.Park park) {
            next = park.member();
            dueAt = Long.toString(park.until());
            indexedClass = park.taskClass();
        }
        List<byte[]> keyList = new ArrayList<>(List.of(bytes(sourceKey), bytes(keys.outcomes()), bytes(keys.stats()),
                bytes(keys.dead()), bytes(keys.deadRecords()), bytes(keys.deadPayloads()), bytes(keys.retries()),
                bytes(keys.queue()), bytes(keys.parked()), bytes(keys.minute(minuteOf(outcome)))));
        if (indexedClass != null) {
            keyList.add(bytes(keys.parkedFor(indexedClass)));
        }
        return new Script(RECORD, keyList,
                List.of(payload, outcome == null ? NOTHING : json(outcome), bytes(Integer.toString(outcomesKept)),
                        bytes(outcome == null ? "" : outcome.status()), bytes(disposition.code()), next, bytes(dueAt),
                        bytes(deadId), parkedMember, bytes(Long.toString(MINUTES_KEPT.toSeconds()))), WRITTEN::equals);
    }

    /** The minute the attempt finished in, since the epoch; a record without a finish time counts now. */
    private static long minuteOf(OutcomeRecord outcome) {
        long millis = outcome != null && outcome.finishedAt() != null ? outcome.finishedAt() : System.currentTimeMillis();
        return Math.floorDiv(millis, 60_000L);
    }

    private byte[] json(OutcomeRecord outcome) {
        try {
            return mapper.writeValueAsBytes(outcome);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the outcome of task " + outcome.id(), e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
