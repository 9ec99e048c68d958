package io.taskhost.host.queue;

/**
 * Every Redis key taskhost uses for one queue. Each derived key starts with the queue key as a
 * Redis Cluster hash tag, {@code {task_queue}:...}, so it hashes to the same slot as the
 * producers' plain {@code task_queue} and one Lua script may touch them all.
 */
public record QueueKeys(String queue) {

    public QueueKeys {
        if (queue == null || queue.isBlank() || queue.contains("{") || queue.contains("}")) {
            throw new IllegalArgumentException("queue key must be non-empty and contain no braces: " + queue);
        }
    }

    private String tagged(String suffix) {
        return "{" + queue + "}:" + suffix;
    }

    /** Tasks this host has taken and not yet recorded: a list of {@link TaskEntry} entries, newest first. */
    public String processing(String hostId) {
        return tagged("processing:" + hostId);
    }

    /** The newest outcome records, newest first: a capped list of JSON. */
    public String outcomes() {
        return tagged("outcomes");
    }

    /** Dead-letter ids, newest first: a list. */
    public String dead() {
        return tagged("dead");
    }

    /** Dead-letter id to its record (reason and outcome) as JSON: a hash. */
    public String deadRecords() {
        return tagged("dead:records");
    }

    /** Dead-letter id to the payload's original bytes: a hash. */
    public String deadPayloads() {
        return tagged("dead:payloads");
    }

    /** Counters {@code processed}, {@code passed}, {@code failed}, {@code retried} and {@code dead}: a hash. */
    public String stats() {
        return tagged("stats");
    }

    /** Retries waiting for their time: a sorted set of payloads scored by due time in epoch millis. */
    public String retries() {
        return tagged("retry");
    }

    /**
     * Tasks a producer delayed: a sorted set of payloads in the seed's format, scored by due time in
     * epoch seconds, fractions allowed, as PHP's {@code microtime(true)} writes it.
     */
    public String delayed() {
        return tagged("delayed");
    }

    /** Tasks for a class no plugin provides yet: a sorted set of {@link TaskEntry} entries scored by give-up time. */
    public String parked() {
        return tagged("parked");
    }

    /**
     * The parked tasks waiting for class {@code taskClass}: the same members as {@link #parked()}, with
     * the same scores, so that a plugin's arrival releases its tasks without reading any other.
     */
    public String parkedFor(String taskClass) {
        return tagged("parked:class:" + taskClass);
    }

    /** Present once the parked tasks of earlier versions, which had no index by class, have been indexed. */
    public String parkedIndexed() {
        return tagged("parked:indexed");
    }

    /** What host {@code hostId} made of its plugins-dir (JSON): a string with a TTL, renewed with the heartbeat. */
    public String plugins(String hostId) {
        return tagged("plugins:" + hostId);
    }

    /**
     * A hash of the outcomes recorded in one minute, {@code passed} and {@code failed}, which
     * expires a day later.
     *
     * @param epochMinute minutes since the epoch
     */
    public String minute(long epochMinute) {
        return tagged("minutes:" + epochMinute);
    }

    /** Present while every host of this queue is paused: a string. */
    public String paused() {
        return tagged("paused");
    }

    /** Present while host {@code hostId} is paused: a string. */
    public String paused(String hostId) {
        return tagged("paused:" + hostId);
    }

    /** Host id to what the host said about itself at start (JSON): a hash of every host that may hold tasks. */
    public String hosts() {
        return tagged("hosts");
    }

    /** Present while host {@code hostId} is alive: a string with a TTL, renewed by the host. */
    public String heartbeat(String hostId) {
        return tagged("heartbeat:" + hostId);
    }

    /**
     * Task id to what host {@code hostId} runs of this queue now (JSON: pid, start, launch kind,
     * class.worker, attempt): a hash with the heartbeat's TTL, for the dashboard.
     */
    public String running(String hostId) {
        return tagged("running:" + hostId);
    }

    /** Held by the one host that recovers dead host {@code hostId}'s tasks: a string with a TTL. */
    public String recoveryLock(String hostId) {
        return tagged("recovering:" + hostId);
    }

    /**
     * Where schedule {@code name}, which enqueues onto this queue, stands: a hash of {@code last} (the latest
     * occurrence dealt with, enqueued or skipped, epoch millis), {@code lastRun} (the latest enqueued),
     * {@code enqueuedAt} (epoch millis) and {@code by} (host id). Compared and set in the script that pushes each
     * occurrence, so that one occurrence is enqueued once whatever the hosts.
     */
    public String schedule(String name) {
        return tagged("schedule:" + name);
    }

    /** Schedule name to what the hosts of this queue run of it (JSON): a hash, for {@code taskhost schedules}. */
    public String schedules() {
        return tagged("schedules");
    }
}
