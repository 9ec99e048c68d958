package io.taskhost.host.queue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Moves the members of a sorted set scored by due time onto the queue once they fall due: the
 * retries, and the tasks producers delayed. Each batch is one script, so a task is never both
 * waiting and queued, nor neither, and whichever host gets to a member first moves it, once.
 * "Now" is Redis's clock ({@code TIME} inside the script), never a host's: a host whose clock runs
 * ahead cannot move a task early.
 */
public final class DueSetMover {

    private static final Logger log = LoggerFactory.getLogger(DueSetMover.class);

    /** Members per script call: a huge set, or huge members, cannot hold Redis for long. */
    static final int BATCH = 100;

    /**
     * The due bound is built from TIME's digits as text, never through a Lua number, whose
     * tostring keeps 14 digits and could round a microsecond bound up, which would move a task early.
     * Members are pushed in ascending due order; ties in score in the member's byte order.
     */
    private static final byte[] MOVE_DUE = """
            local time = redis.call('TIME')
            local now
            if ARGV[1] == 'millis' then
              now = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
            else
              now = time[1] .. '.' .. string.format('%06d', tonumber(time[2]))
            end
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
            local moved = 0
            for _, payload in ipairs(due) do
              if redis.call('ZREM', KEYS[1], payload) == 1 then
                if ARGV[2] == 'producer' then
                  redis.call('LPUSH', KEYS[2], payload)
                else
                  redis.call('RPUSH', KEYS[2], payload)
                end
                moved = moved + 1
              end
            end
            return {#due, moved}
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

    private final UnifiedJedis redis;
    private final String dueSet;
    private final String queue;
    private final ScoreUnit unit;
    private final QueueEnd end;
    private final String what;

    DueSetMover(UnifiedJedis redis, String dueSet, String queue, ScoreUnit unit, QueueEnd end, String what) {
        this.redis = redis;
        this.dueSet = dueSet;
        this.queue = queue;
        this.unit = unit;
        this.end = end;
        this.what = what;
    }

    /** Retries ({@link QueueKeys#retries()}, scored in epoch millis) go to the consuming end: they run next. */
    public static DueSetMover retries(UnifiedJedis redis, QueueKeys keys) {
        return new DueSetMover(redis, keys.retries(), keys.queue(), ScoreUnit.MILLIS, QueueEnd.CONSUMER, "retries");
    }

    /**
     * Delayed tasks ({@link QueueKeys#delayed()}, scored in epoch seconds with fractions) go to the
     * producers' end in due order, as if their producer had pushed them at their due time.
     */
    public static DueSetMover delayed(UnifiedJedis redis, QueueKeys keys) {
        return new DueSetMover(redis, keys.delayed(), keys.queue(), ScoreUnit.SECONDS, QueueEnd.PRODUCER,
                "delayed tasks");
    }

    /**
     * Moves every member due by Redis's clock, batch by batch.
     *
     * @return how many this call moved
     * @throws redis.clients.jedis.exceptions.JedisException when Redis fails; the repeating job that runs it logs that
     */
    public long moveDue() {
        long total = 0;
        long found;
        do {
            List<?> counts = (List<?>) redis.eval(MOVE_DUE, List.of(bytes(dueSet), bytes(queue)),
                    List.of(bytes(unit.inScript), bytes(end.inScript), bytes(Integer.toString(BATCH))));
            found = (Long) counts.get(0);
            long moved = (Long) counts.get(1);
            total += moved;
            if (moved > 0) {
                log.debug("moved {} due {} from {} onto {}", moved, what, dueSet, queue);
            }
        } while (found == BATCH);
        return total;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
