package io.taskhost.host.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;

/**
 * The producers' list, read the way their {@code LPUSH} expects (FIFO), with a reliable fetch:
 * each task moves atomically into this host's processing list, as an entry with the id of this
 * attempt, and stays there until its outcome is recorded.
 */
public final class TaskQueue {

    /**
     * Takes the oldest tasks, one per attempt id {@code ARGV[i]}, each into the processing list as entry
     * {@code ARGV[i]:payload}, as long as the queue has them; nothing while the queue or this host is paused
     * ({@code KEYS[3]}, {@code KEYS[4]}): a slot that takes its next tasks as it records the last checks the
     * flags here, in the same round trip. Replies with one element per id, the payload it took or nil.
     * When the processing list's first entries already hold entries of these ids, this is the same take
     * sent again (the cluster client resends a command whose connection failed, and the first may have
     * run): it answers with those tasks rather than take others. Slots take concurrently, so other slots'
     * entries may be in front by then: the take that ran first is then an orphan, which the host puts
     * back, as it does the entries of a take whose reply was lost.
     */
    static final byte[] TAKE = """
            if redis.call('EXISTS', KEYS[3], KEYS[4]) > 0 then return {} end
            local wanted = {}
            for i, id in ipairs(ARGV) do wanted[id] = i end
            local taken, again = {}, false
            for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, #ARGV - 1)) do
              local colon = string.find(entry, ':', 1, true)
              local i = colon and wanted[string.sub(entry, 1, colon - 1)]
              if i then
                taken[i] = string.sub(entry, colon + 1)
                again = true
              end
            end
            if again then
              for i = 1, #ARGV do taken[i] = taken[i] or false end
              return taken
            end
            for i, id in ipairs(ARGV) do
              local payload = redis.call('RPOP', KEYS[1])
              if not payload then break end
              redis.call('LPUSH', KEYS[2], id .. ':' .. payload)
              taken[i] = payload
            end
            return taken
            """.getBytes(StandardCharsets.UTF_8);

    private static final byte[] PUT_BACK = """
            local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
            if removed == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end
            return removed
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final ReplicatedWrites writes;
    private final byte[] queue;
    private final byte[] processing;
    private final byte[] paused;
    private final byte[] hostPaused;
    private final double fetchTimeoutSeconds;
    /**
     * Whether the last fetch waited its whole timeout for nothing: the next then waits at once, since the
     * wait returns at once too when a task came since, and an idle host makes one round trip a timeout
     * instead of two. Only the fetcher thread fetches.
     */
    private boolean emptyAtLastFetch;

    /** A queue whose fetches wait for no replica. */
    public TaskQueue(UnifiedJedis redis, QueueKeys keys, String hostId, Duration fetchTimeout) {
        this(redis, ReplicatedWrites.unwaited(redis), keys, hostId, fetchTimeout);
    }

    /** @param writes runs the fetch script, and waits for replicas to have what it took */
    public TaskQueue(UnifiedJedis redis, ReplicatedWrites writes, QueueKeys keys, String hostId, Duration fetchTimeout) {
        this.redis = redis;
        this.writes = writes;
        this.queue = bytes(keys.queue());
        this.processing = bytes(keys.processing(hostId));
        this.paused = bytes(keys.paused());
        this.hostPaused = bytes(keys.paused(hostId));
        this.fetchTimeoutSeconds = fetchTimeout.toMillis() / 1000.0;
    }

    /**
     * Takes the oldest task, waiting up to the fetch timeout for one; empty on timeout, or when a
     * peer took the task that ended the wait.
     */
    public Optional<TaskEntry> fetch() {
        if (!emptyAtLastFetch) {
            Optional<TaskEntry> taken = take();
            if (taken.isPresent()) {
                return taken;
            }
        }
        // Moving the queue's last task onto its own end changes nothing, and blocks while the queue is
        // empty: a wait that costs Redis nothing and cannot lose a task whatever happens to its reply.
        emptyAtLastFetch = redis.blmove(queue, queue, ListDirection.RIGHT, ListDirection.RIGHT,
                fetchTimeoutSeconds) == null;
        return emptyAtLastFetch ? Optional.empty() : take();
    }

    /** Takes the oldest task if there is one and nothing is paused, without waiting. */
    public Optional<TaskEntry> take() {
        List<String> id = List.of(UUID.randomUUID().toString());
        return taken(id, writes.eval(take(id))).stream().findFirst();
    }

    /**
     * The take of up to {@code ids.size()} tasks, the oldest first, as a script to run after others in
     * the same round trip ({@link ReplicatedWrites#evalInTurn}); {@link #taken} reads its reply.
     *
     * @param ids the ids of the attempts it takes, lower-case UUIDs, one per task
     */
    public Script take(List<String> ids) {
        return new Script(TAKE, List.of(queue, processing, paused, hostPaused),
                ids.stream().map(TaskQueue::bytes).toList(), reply -> reply instanceof List<?> taken && !taken.isEmpty());
    }

    /** The tasks a take of {@code ids} took, from its reply, oldest first. */
    public List<TaskEntry> taken(List<String> ids, Object reply) {
        if (!(reply instanceof List<?> payloads)) {
            return List.of();
        }
        List<TaskEntry> taken = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size() && i < ids.size(); i++) {
            if (payloads.get(i) instanceof byte[] payload) {
                taken.add(TaskEntry.of(ids.get(i), payload));
            }
        }
        return taken;
    }

    /** Returns a task this host took but will not run to the consuming end, to be fetched next. */
    public boolean putBack(TaskEntry task) {
        return Long.valueOf(1).equals(redis.eval(PUT_BACK, List.of(processing, queue),
                List.of(task.entry(), task.payload())));
    }

    /** What this host's processing list holds. */
    public List<TaskEntry> processing() {
        return redis.lrange(processing, 0, -1).stream().map(TaskEntry::read).toList();
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
