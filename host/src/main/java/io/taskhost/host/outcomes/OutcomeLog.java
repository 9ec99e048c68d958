package io.taskhost.host.outcomes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Records outcomes in Redis. Recording and taking the task off the host's processing list are
 * one Lua script, so a crash leaves either both done or neither: the task is then still in the
 * processing list, and is run again rather than lost.
 */
public final class OutcomeLog {

    private static final byte[] RECORD = """
            local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
            if removed == 0 then return 0 end
            redis.call('LPUSH', KEYS[2], ARGV[2])
            redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
            redis.call('HINCRBY', KEYS[3], 'processed', 1)
            redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
            if ARGV[5] ~= '' then
              redis.call('LPUSH', KEYS[4], ARGV[5])
              redis.call('HSET', KEYS[5], ARGV[5], ARGV[2])
              redis.call('HSET', KEYS[6], ARGV[5], ARGV[1])
            end
            return 1
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String processingKey;
    private final int outcomesKept;
    private final ObjectMapper mapper;

    public OutcomeLog(UnifiedJedis redis, QueueKeys keys, String hostId, int outcomesKept, ObjectMapper mapper) {
        this.redis = redis;
        this.keys = keys;
        this.processingKey = keys.processing(hostId);
        this.outcomesKept = outcomesKept;
        this.mapper = mapper;
    }

    /**
     * Records the outcome and takes {@code payload} off the processing list; a failure also goes
     * to the dead letters with the payload's original bytes.
     *
     * @return false when the payload was no longer in the processing list, so nothing was written
     */
    public boolean record(byte[] payload, OutcomeRecord outcome) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(outcome);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the outcome of task " + outcome.id(), e);
        }
        String deadId = outcome.passed() ? "" : outcome.id();
        Object written = redis.eval(RECORD,
                List.of(bytes(processingKey), bytes(keys.outcomes()), bytes(keys.stats()), bytes(keys.dead()),
                        bytes(keys.deadRecords()), bytes(keys.deadPayloads())),
                List.of(payload, json, bytes(Integer.toString(outcomesKept)), bytes(outcome.status()), bytes(deadId)));
        return Long.valueOf(1).equals(written);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
