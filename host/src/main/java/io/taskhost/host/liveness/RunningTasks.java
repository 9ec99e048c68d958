package io.taskhost.host.liveness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What this host runs of one queue, published for the dashboard in {@link QueueKeys#running}: task
 * id to its worker's pid, start, launch kind, class.worker and attempt. One write when a task
 * starts and one when it is recorded; the heartbeat rewrites the whole hash and it expires with the
 * heartbeat's TTL, so a dead host's entries vanish with it and a write lost to a Redis hiccup is
 * mended within a beat. It is advisory: a failed write is never a task's failure.
 */
public final class RunningTasks {

    private static final Logger log = LoggerFactory.getLogger(RunningTasks.class);

    /** Adds one task and renews the TTL, so a hash created between beats expires too. */
    private static final String ADD = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /** Replaces the hash with ARGV[2..], task id and JSON in turn, and sets its TTL to ARGV[1] millis. */
    private static final String REWRITE = """
            redis.call('DEL', KEYS[1])
            if #ARGV > 1 then
              redis.call('HSET', KEYS[1], unpack(ARGV, 2))
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return 1
            """;

    /**
     * One running task.
     *
     * @param pid       its worker JVM's pid
     * @param startedAt epoch millis when the host handed it to that JVM
     * @param launch    how the JVM was launched: {@code cold}, {@code spare} or {@code reused}
     */
    public record RunningTask(long pid, long startedAt, String launch, String task, int attempt) {
    }

    private final UnifiedJedis redis;
    private final String key;
    private final Duration ttl;
    private final ObjectMapper mapper;
    private final Map<String, String> running = new ConcurrentHashMap<>();

    public RunningTasks(UnifiedJedis redis, QueueKeys keys, String hostId, Duration ttl, ObjectMapper mapper) {
        this.redis = redis;
        this.key = keys.running(hostId);
        this.ttl = ttl;
        this.mapper = mapper;
    }

    public void started(String taskId, RunningTask task) {
        String json;
        try {
            json = mapper.writeValueAsString(task);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a running task's fields always serialize", e);
        }
        running.put(taskId, json);
        try {
            redis.eval(ADD, List.of(key), List.of(taskId, json, Long.toString(ttl.toMillis())));
        } catch (JedisException e) {
            log.debug("cannot publish running task {} in {} ({}); the next heartbeat does", taskId, key,
                    RedisConnector.describe(e));
        }
    }

    public void finished(String taskId) {
        if (running.remove(taskId) == null) {
            return;
        }
        try {
            redis.hdel(key, taskId);
        } catch (JedisException e) {
            log.debug("cannot withdraw running task {} from {} ({}); the next heartbeat does", taskId, key,
                    RedisConnector.describe(e));
        }
    }

    /** Rewrites the hash from what runs now, with the heartbeat's TTL. */
    public void publish() {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(ttl.toMillis()));
        running.forEach((taskId, json) -> {
            args.add(taskId);
            args.add(json);
        });
        try {
            redis.eval(REWRITE, List.of(key), args);
        } catch (JedisException e) {
            log.debug("cannot publish the running tasks in {} ({}); it expires in {}", key,
                    RedisConnector.describe(e), ttl);
        }
    }
}
