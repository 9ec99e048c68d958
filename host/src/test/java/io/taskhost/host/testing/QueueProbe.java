package io.taskhost.host.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/** The producer's and the reader's side of a queue: push payloads, read outcomes and dead letters. */
public final class QueueProbe implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private final UnifiedJedis redis;
    private final QueueKeys keys;

    public QueueProbe(TestRedis server, String queue) {
        this(server.client(), queue);
    }

    /** Over a client the test built itself, a TLS one for instance; {@link #close()} closes it. */
    public QueueProbe(UnifiedJedis redis, String queue) {
        this.redis = redis;
        this.keys = new QueueKeys(queue);
    }

    public QueueKeys keys() {
        return keys;
    }

    public UnifiedJedis redis() {
        return redis;
    }

    /** LPUSH, as the PHP producers do. */
    public void push(String payload) {
        push(payload.getBytes(StandardCharsets.UTF_8));
    }

    public void push(byte[] payload) {
        redis.lpush(keys.queue().getBytes(StandardCharsets.UTF_8), payload);
    }

    /** Outcome records, oldest first. */
    public List<JsonNode> outcomes() {
        List<JsonNode> records = new ArrayList<>();
        for (String json : redis.lrange(keys.outcomes(), 0, -1)) {
            records.add(0, parse(json));
        }
        return records;
    }

    public List<JsonNode> awaitOutcomes(int count) {
        return Eventually.value(DEADLINE, count + " outcome records in " + keys.outcomes(), () -> {
            List<JsonNode> records = outcomes();
            return records.size() >= count ? records : null;
        });
    }

    /** Waits for {@code count} outcomes of {@code worker}, oldest first. */
    public List<JsonNode> awaitOutcomes(String worker, int count) {
        return Eventually.value(DEADLINE, count + " outcomes for worker " + worker, () -> {
            List<JsonNode> records = outcomes().stream().filter(o -> worker.equals(o.path("worker").asText(null)))
                    .toList();
            return records.size() >= count ? records : null;
        });
    }

    /** The first outcome whose worker is {@code worker}, waiting for it. */
    public JsonNode awaitOutcome(String worker) {
        return Eventually.value(DEADLINE, "an outcome for worker " + worker, () -> find(worker).orElse(null));
    }

    public Optional<JsonNode> find(String worker) {
        return outcomes().stream().filter(o -> worker.equals(o.path("worker").asText(null))).findFirst();
    }

    public List<String> deadIds() {
        return redis.lrange(keys.dead(), 0, -1);
    }

    public JsonNode deadRecord(String id) {
        return parse(redis.hget(keys.deadRecords(), id));
    }

    public byte[] deadPayload(String id) {
        return redis.hget(keys.deadPayloads().getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8));
    }

    public Map<String, String> stats() {
        return redis.hgetAll(keys.stats());
    }

    public long queueLength() {
        return redis.llen(keys.queue());
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
