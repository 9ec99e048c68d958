package io.taskhost.host.liveness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What this host runs of one queue, published for the dashboard in {@link QueueKeys#running}: task
 * id to its worker's pid, start, launch kind, class.worker and attempt. A task's start and end are
 * written off the task's path, on the writer's thread, {@link #GATHER} after the first change that
 * waits, with every change made meanwhile in one script: a task's slot never waits for this hash,
 * and a burst of short tasks costs Redis a write every {@link #GATHER}, not two per task. The
 * heartbeat rewrites the whole hash and it expires with the heartbeat's TTL, so a dead host's
 * entries vanish with it and a write lost to a Redis hiccup is mended within a beat. It is
 * advisory: a failed write is never a task's failure.
 */
public final class RunningTasks {

    private static final Logger log = LoggerFactory.getLogger(RunningTasks.class);

    /** How long the changes gathered into one write may wait: a start shows on the dashboard about this late. */
    static final Duration GATHER = Duration.ofMillis(20);

    /**
     * Applies ARGV[3..], task id then JSON in turn, an empty JSON withdrawing the task; ARGV[1] is how
     * many pairs follow, and the TTL, ARGV[2] millis, is renewed, so a hash created between beats expires too.
     */
    private static final String CHANGE = """
            local added = 0
            for i = 3, 2 + 2 * tonumber(ARGV[1]), 2 do
              if ARGV[i + 1] == '' then
                redis.call('HDEL', KEYS[1], ARGV[i])
              else
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
                added = added + 1
              end
            end
            if added > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return added
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

    /** A change that withdraws a task, written as an empty JSON. */
    private static final RunningTask WITHDRAWN = null;

    /**
     * One running task.
     *
     * @param pid       its worker JVM's pid
     * @param startedAt epoch millis when the host handed it to that JVM
     * @param launch    how the JVM was launched: {@code cold}, {@code spare} or {@code reused}
     */
    public record RunningTask(long pid, long startedAt, String launch, String task, int attempt) {
    }

    /** Runs a write later, on a thread of its own. */
    @FunctionalInterface
    public interface Writer {
        void runAfter(Duration delay, Runnable write);
    }

    private final UnifiedJedis redis;
    private final String key;
    private final Duration ttl;
    private final ObjectMapper mapper;
    private final Writer writer;
    private final Map<String, RunningTask> running = new ConcurrentHashMap<>();
    /** Task id to the task, or {@link #WITHDRAWN}, in the order they changed; guarded by itself. */
    private final Map<String, RunningTask> changes = new LinkedHashMap<>();

    public RunningTasks(UnifiedJedis redis, QueueKeys keys, String hostId, Duration ttl, ObjectMapper mapper,
                        Writer writer) {
        this.redis = redis;
        this.key = keys.running(hostId);
        this.ttl = ttl;
        this.mapper = mapper;
        this.writer = writer;
    }

    /** Serialized only when written: a short task's start and end, gathered into one write, cancel out unwritten. */
    public void started(String taskId, RunningTask task) {
        running.put(taskId, task);
        changed(taskId, task);
    }

    public void finished(String taskId) {
        if (running.remove(taskId) != null) {
            changed(taskId, WITHDRAWN);
        }
    }

    /**
     * A task that ends before its start was written is withdrawn all the same: the heartbeat may have
     * written it meanwhile.
     */
    private void changed(String taskId, RunningTask task) {
        boolean first;
        synchronized (changes) {
            first = changes.isEmpty();
            changes.remove(taskId);
            changes.put(taskId, task);
        }
        if (first) {
            writer.runAfter(GATHER, this::writeChanges);
        }
    }

    private void writeChanges() {
        Map<String, RunningTask> gathered;
        synchronized (changes) {
            // A copy, serialized outside the lock the slots take.
            gathered = new LinkedHashMap<>(changes);
            changes.clear();
        }
        List<String> args = new ArrayList<>(2 + 2 * gathered.size());
        args.add(Integer.toString(gathered.size()));
        args.add(Long.toString(ttl.toMillis()));
        for (Map.Entry<String, RunningTask> change : gathered.entrySet()) {
            args.add(change.getKey());
            args.add(change.getValue() == WITHDRAWN ? "" : json(change.getValue()));
        }
        try {
            redis.eval(CHANGE, List.of(key), args);
        } catch (JedisException e) {
            log.debug("cannot publish {} change(s) of the running tasks in {} ({}); the next heartbeat does",
                    args.size() / 2 - 1, key, RedisConnector.describe(e));
        }
    }

    /** Rewrites the hash from what runs now, with the heartbeat's TTL. */
    public void publish() {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(ttl.toMillis()));
        running.forEach((taskId, task) -> {
            args.add(taskId);
            args.add(json(task));
        });
        try {
            redis.eval(REWRITE, List.of(key), args);
        } catch (JedisException e) {
            log.debug("cannot publish the running tasks in {} ({}); it expires in {}", key,
                    RedisConnector.describe(e), ttl);
        }
    }

    private String json(RunningTask task) {
        try {
            return mapper.writeValueAsString(task);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a running task's fields always serialize", e);
        }
    }
}
