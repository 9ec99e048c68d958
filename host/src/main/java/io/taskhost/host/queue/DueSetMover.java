package io.taskhost.host.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Moves the members of sorted sets scored by due time onto their queue once they fall due: the
 * retries, and the tasks producers delayed. Each batch is one script over all the mover's sets, so a
 * task is never both waiting and queued, nor neither, whichever host gets to a member first moves it,
 * once, and a host looks at both of a queue's sets in one round trip. "Now" is Redis's clock
 * ({@code TIME} inside the script), never a host's: a host whose clock runs ahead cannot move a task early.
 */
public final class DueSetMover {

    private static final Logger log = LoggerFactory.getLogger(DueSetMover.class);

    /** Members per set and script call: a huge set, or huge members, cannot hold Redis for long. */
    static final int BATCH = 100;

    /**
     * The longest a mover waits before it looks again. Producers add delayed tasks with a plain
     * {@code ZADD} that no host hears of, so a task added due sooner than the mover's next look
     * waits at most this long; one the mover has seen is moved when it falls due.
     */
    public static final Duration LOOK_AGAIN = Duration.ofSeconds(1);

    /** The shortest pause between looks: a member at its due time's edge must not spin the mover. */
    private static final Duration SHORTEST_PAUSE = Duration.ofMillis(5);

    /**
     * KEYS[1] is the queue, KEYS[2..] the sets; ARGV[1] the batch, then each set's unit and queue end.
     * The last count is how many millis until the earliest member left falls due, or -1 when the sets are
     * empty; computed with Lua numbers, as it only decides when to look again.
     * The due bound is built from TIME's digits as text, never through a Lua number, whose
     * tostring keeps 14 digits and could round a microsecond bound up, which would move a task early.
     * Members are pushed in ascending due order; ties in score in the member's byte order.
     */
    private static final byte[] MOVE_DUE = """
            local time = redis.call('TIME')
            local millis = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
            local seconds = time[1] .. '.' .. string.format('%06d', tonumber(time[2]))
            local limit = tonumber(ARGV[1])
            local counts = {}
            for i = 2, #KEYS do
              local now = seconds
              if ARGV[2 * i - 2] == 'millis' then
                now = millis
              end
              local due = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', now, 'LIMIT', 0, limit)
              local moved = 0
              for _, payload in ipairs(due) do
                if redis.call('ZREM', KEYS[i], payload) == 1 then
                  if ARGV[2 * i - 1] == 'producer' then
                    redis.call('LPUSH', KEYS[1], payload)
                  else
                    redis.call('RPUSH', KEYS[1], payload)
                  end
                  moved = moved + 1
                end
              end
              counts[#counts + 1] = #due
              counts[#counts + 1] = moved
            end
            local nowMillis = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local wait = -1
            for i = 2, #KEYS do
              local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
              if first[2] then
                local dueMillis = tonumber(first[2])
                if ARGV[2 * i - 2] ~= 'millis' then
                  dueMillis = dueMillis * 1000
                end
                local until_due = math.min(3600000, math.max(0, math.ceil(dueMillis - nowMillis)))
                if wait < 0 or until_due < wait then
                  wait = until_due
                end
              end
            end
            counts[#counts + 1] = wait
            return counts
            """.getBytes(StandardCharsets.UTF_8);

    /** The unit of the set's scores: epoch seconds or epoch millis. */
    enum ScoreUnit {
        SECONDS("seconds"), MILLIS("millis");

        private final String inScript;

        ScoreUnit(String inScript) {
            this.inScript = inScript;
        }
    }

    /** Which end of the queue a due member goes to. */
    enum QueueEnd {
        /** {@code LPUSH}, as if its producer pushed it at its due time: it runs after what already waits. */
        PRODUCER("producer"),
        /** {@code RPUSH}: it runs next. */
        CONSUMER("consumer");

        private final String inScript;

        QueueEnd(String inScript) {
            this.inScript = inScript;
        }
    }

    /** One set this mover empties of its due members. */
    record DueSet(String key, ScoreUnit unit, QueueEnd end, String what) {
    }

    private final UnifiedJedis redis;
    private final String queue;
    private final List<DueSet> sets;
    private final List<byte[]> scriptKeys = new ArrayList<>();
    private final List<byte[]> scriptArgs = new ArrayList<>();

    DueSetMover(UnifiedJedis redis, String queue, List<DueSet> sets) {
        this.redis = redis;
        this.queue = queue;
        this.sets = List.copyOf(sets);
        scriptKeys.add(bytes(queue));
        scriptArgs.add(bytes(Integer.toString(BATCH)));
        for (DueSet set : sets) {
            scriptKeys.add(bytes(set.key()));
            scriptArgs.add(bytes(set.unit().inScript));
            scriptArgs.add(bytes(set.end().inScript));
        }
    }

    /** Retries ({@link QueueKeys#retries()}, scored in epoch millis) go to the consuming end: they run next. */
    public static DueSetMover retries(UnifiedJedis redis, QueueKeys keys) {
        return new DueSetMover(redis, keys.queue(), List.of(retrySet(keys)));
    }

    /**
     * Delayed tasks ({@link QueueKeys#delayed()}, scored in epoch seconds with fractions) go to the
     * producers' end in due order, as if their producer had pushed them at their due time.
     */
    public static DueSetMover delayed(UnifiedJedis redis, QueueKeys keys) {
        return new DueSetMover(redis, keys.queue(), List.of(delayedSet(keys)));
    }

    /** Both of a queue's sets, each as its own mover would move it, in one script: one round trip per look. */
    public static DueSetMover retriesAndDelayed(UnifiedJedis redis, QueueKeys keys) {
        return new DueSetMover(redis, keys.queue(), List.of(retrySet(keys), delayedSet(keys)));
    }

    private static DueSet retrySet(QueueKeys keys) {
        return new DueSet(keys.retries(), ScoreUnit.MILLIS, QueueEnd.CONSUMER, "retries");
    }

    private static DueSet delayedSet(QueueKeys keys) {
        return new DueSet(keys.delayed(), ScoreUnit.SECONDS, QueueEnd.PRODUCER, "delayed tasks");
    }

    /**
     * Moves every member due by Redis's clock, batch by batch.
     *
     * @return how many this call moved
     * @throws redis.clients.jedis.exceptions.JedisException when Redis fails; the repeating job that runs it logs that
     */
    public long moveDue() {
        return move().moved();
    }

    /**
     * Moves every member due by Redis's clock, then says when to look again: when the earliest member
     * left falls due, or after {@link #LOOK_AGAIN}, whichever comes first. An idle host then makes one
     * round trip a second per queue instead of four.
     *
     * @throws redis.clients.jedis.exceptions.JedisException when Redis fails; the repeating job that runs it logs that
     */
    public Duration moveDueThenPause() {
        long untilDue = move().untilEarliestDue();
        if (untilDue < 0 || untilDue >= LOOK_AGAIN.toMillis()) {
            return LOOK_AGAIN;
        }
        return Duration.ofMillis(Math.max(untilDue, SHORTEST_PAUSE.toMillis()));
    }

    /** @param untilEarliestDue millis until the earliest member left falls due, -1 when none is left */
    private record Moves(long moved, long untilEarliestDue) {
    }

    private Moves move() {
        long total = 0;
        long untilEarliestDue;
        boolean more;
        do {
            List<?> counts = (List<?>) redis.eval(MOVE_DUE, scriptKeys, scriptArgs);
            more = false;
            for (int i = 0; i < sets.size(); i++) {
                long found = (Long) counts.get(2 * i);
                long moved = (Long) counts.get(2 * i + 1);
                total += moved;
                more |= found == BATCH;
                if (moved > 0) {
                    log.debug("moved {} due {} from {} onto {}", moved, sets.get(i).what(), sets.get(i).key(), queue);
                }
            }
            untilEarliestDue = (Long) counts.get(2 * sets.size());
        } while (more);
        return new Moves(total, untilEarliestDue);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
