package io.taskhost.host.http;

import io.taskhost.host.queue.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/** Dead letters written straight into Redis, as OutcomeLog leaves them, many at once through a pipeline. */
final class DeadLetterFixtures {

    private DeadLetterFixtures() {
    }

    /** A record as OutcomeLog writes it for a failed attempt that was dead-lettered. */
    static String record(String id, String taskClass, String worker, String cause, String reason) {
        return "{\"id\":\"" + id + "\",\"status\":\"failed\",\"cause\":\"" + cause + "\",\"reason\":\"" + reason
                + "\",\"disposition\":\"dead_lettered\",\"host\":\"elsewhere\",\"class\":\"" + taskClass
                + "\",\"worker\":\"" + worker + "\",\"attempt\":1,\"finishedAt\":" + System.currentTimeMillis() + "}";
    }

    /** Writes one dead letter and returns its id; the newest is at the head of the list. */
    static String write(UnifiedJedis redis, QueueKeys keys, String taskClass, String worker, String cause,
                        String payload) {
        String id = UUID.randomUUID().toString();
        redis.hset(keys.deadRecords(), id, record(id, taskClass, worker, cause, "it failed"));
        redis.hset(keys.deadPayloads().getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8));
        redis.lpush(keys.dead(), id);
        return id;
    }

    /**
     * Writes {@code count} dead letters, a thousand per round trip: every {@code rareEvery}th has
     * class {@code Rare}, the others {@code Common}; the first written (the oldest) is number 0.
     */
    static void writeMany(UnifiedJedis redis, QueueKeys keys, int count, int rareEvery) {
        for (int from = 0; from < count; from += 1000) {
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (int i = from; i < Math.min(count, from + 1000); i++) {
                    String id = "letter-" + i;
                    String taskClass = i % rareEvery == 0 ? "Rare" : "Common";
                    pipeline.hset(keys.deadRecords(), id, record(id, taskClass, "work", "exception", "number " + i));
                    pipeline.hset(keys.deadPayloads(), id, "{\"worker\":\"work\",\"class\":\"" + taskClass
                            + "\",\"params\":{\"n\":" + i + "}}");
                    pipeline.lpush(keys.dead(), id);
                }
                pipeline.sync();
            }
        }
    }

    static void clear(UnifiedJedis redis, QueueKeys keys) {
        redis.del(keys.dead(), keys.deadRecords(), keys.deadPayloads());
    }
}
