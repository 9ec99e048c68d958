package io.taskhost.host.config;

/**
 * The default of every setting of a host, written as the command line, the config file and the
 * docs write it. {@link HostSettings.Builder} starts from these, and the options of
 * {@code taskhost run} show them as their defaults. Some defaults are computed on each machine
 * instead, and the builder computes them: the number of cores for {@code workers}, the host's
 * {@code java.io.tmpdir} for {@code scratch-dir}, its own java for {@code worker-java}, and a
 * name from the hostname, the boot id and the pid namespace for {@code host-id}.
 */
public final class Defaults {

    public static final String REDIS = "redis://127.0.0.1:6379";
    public static final String QUEUE = "task_queue";
    public static final String REDIS_WAIT_REPLICAS = "0";
    public static final String REDIS_WAIT_TIMEOUT = "1s";
    public static final String PLUGINS_DIR = "plugins-dir";
    public static final String DEFAULT_CLASS = "TaskproModel";
    /**
     * {@code ~/.cache/taskhost}, as the command line's default spells it; the builder, which cannot
     * read that notation, computes the same path from {@code user.home}.
     */
    public static final String CACHE_DIR = "${sys:user.home}/.cache/taskhost";
    /** {@code WorkerProcess.DEFAULT_JVM_OPTIONS}, as the one string a setting's value is. */
    public static final String WORKER_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError";
    public static final String CLASS_DATA_SHARING = "true";
    public static final String WORKER_MAX_HEAP = "256m";
    public static final String WORKER_SANDBOX = "auto";
    /** Processes and threads: a worker JVM has about 20, so this leaves room for a task's own pools and children. */
    public static final String WORKER_MAX_PROCESSES = "512";
    /** Metaspace, code, thread stacks, buffers and the task's child processes, beyond the heap. */
    public static final String WORKER_MEMORY_HEADROOM = "512m";
    public static final String WARM_SPARES = "1";
    public static final String WARM_SPARES_KEPT_FOR = "10m";
    public static final String TASKS_PER_WORKER = "1";
    public static final String TASK_TIMEOUT = "30m";
    public static final String MAX_ATTEMPTS = "5";
    public static final String RETRY_BACKOFF = "5s";
    public static final String RETRY_BACKOFF_MAX = "1h";
    public static final String POISON_DEATHS = "3";
    public static final String HEARTBEAT_TTL = "30s";
    public static final String MAX_PAYLOAD_BYTES = "1048576";
    public static final String MAX_PAYLOAD_DEPTH = "64";
    public static final String PARK_UNKNOWN_FOR = "10m";
    public static final String PLUGIN_PERMISSIONS = "strict";
    public static final String SHUTDOWN_GRACE = "30s";
    public static final String OUTCOMES_KEPT = "10000";
    public static final String RESCAN_INTERVAL = "5s";
    public static final String HTTP_PORT = "0";
    public static final String HTTP_BIND = "127.0.0.1";
    public static final String HTTP_READ_ONLY = "false";
    /** How long one blocking fetch waits for a task; not an option. */
    public static final String FETCH_TIMEOUT = "2s";
    public static final String ORPHAN_CHECK_INTERVAL = "1m";
    public static final String REUSE_BATCH = "1";

    private Defaults() {
    }
}
