package io.taskhost.host.config;

import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.liveness.Machine;
import io.taskhost.host.plugins.TrustSettings;
import io.taskhost.host.queue.QueueSelection;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisScheme;
import io.taskhost.host.queue.RedisSecurity;
import io.taskhost.host.queue.ReplicaWait;
import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.schedules.Schedule;
import io.taskhost.worker.DurationText;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Everything a host needs to run, already validated. Made with {@link #builder()}, which starts
 * from the {@link Defaults}; every rule a setting must satisfy is checked here, in the canonical
 * constructor, each failure an {@link IllegalArgumentException} that names the setting as its
 * option does. The README's configuration table lists each setting with its flag, environment
 * variable and default.
 *
 * @param redisUrl     a URL of one of the {@link RedisScheme#FORMS}, or {@code embedded[:PORT]} for a bundled
 *                     redis-server
 * @param queues       the queues this host consumes, and in which order it tries them
 * @param redisSecurity whom a TLS ({@code rediss...}) connection trusts; its {@code toString} masks the password
 * @param warmSpares   warm spare worker JVMs kept per recently used plugin version; 0 turns them off
 * @param tasksPerWorker tasks one worker JVM runs before it exits; 1, the default, is strict isolation
 * @param sparesKeptFor a plugin version no task has used for this long keeps no warm spares
 * @param scratchDir   where each worker JVM gets a scratch directory of its own; outside {@code cacheDir}
 * @param pluginLimits plugin id to the host's overrides for that plugin's operations
 * @param pluginTrust  what a plugin jar must satisfy before it is loaded
 * @param httpPort     port of the health, metrics and status endpoint; 0 leaves it off
 * @param httpBind     address that endpoint listens on
 * @param classDataSharing whether worker JVMs start from class-data archives the host builds for them
 * @param workerSandbox whether worker JVMs run in an operating-system sandbox
 * @param workerMaxProcesses processes and threads one sandboxed worker may have at once, itself included
 * @param workerMemoryHeadroom what a sandboxed worker may use beyond its heap, as {@code -Xmx} sizes read
 * @param redisWaitReplicas replicas that must acknowledge a task's fetch and outcome record; 0 waits for none
 * @param redisWaitTimeout how long the host waits for them after each such write
 * @param schedules    the config file's recurring tasks, each already checked; names are unique
 * @param httpToken    what a request to the HTTP endpoint must present (bearer header or login cookie); null for
 *                     none, allowed only while it listens on a loopback address
 * @param httpReadOnly whether the dashboard hides its buttons and refuses every change
 */
public record HostSettings(
        String redisUrl,
        RedisSecurity redisSecurity,
        QueueSelection queues,
        Path pluginsDir,
        int workers,
        String defaultClass,
        Path cacheDir,
        Path scratchDir,
        Path workerJava,
        List<String> workerJvmOptions,
        boolean classDataSharing,
        SandboxMode workerSandbox,
        int workerMaxProcesses,
        String workerMemoryHeadroom,
        String workerMaxHeap,
        int warmSpares,
        int tasksPerWorker,
        Duration sparesKeptFor,
        Duration taskTimeout,
        int maxAttempts,
        Duration retryBackoff,
        Duration retryBackoffMax,
        int poisonDeaths,
        Map<String, RunLimits> pluginLimits,
        Duration shutdownGrace,
        int outcomesKept,
        String hostId,
        Duration heartbeatTtl,
        int maxPayloadBytes,
        int maxPayloadDepth,
        Duration parkUnknownFor,
        TrustSettings pluginTrust,
        Duration fetchTimeout,
        Duration orphanCheckInterval,
        Duration rescanInterval,
        int httpPort,
        String httpBind,
        int redisWaitReplicas,
        Duration redisWaitTimeout,
        List<Schedule> schedules,
        String httpToken,
        boolean httpReadOnly,
        int reuseBatch) {

    /**
     * The host's first queue: its only one unless {@code queue} lists several, and the highest in
     * strict order. Code that needs one queue (a default for what a host adds itself) uses this one.
     */
    public String queue() {
        return queues.first().queue();
    }

    /** A slot's take of more tasks at once than this would hold them long from other hosts. */
    public static final int MAX_REUSE_BATCH = 100;

    private static final Pattern EMBEDDED = Pattern.compile("embedded(?::(\\d{1,5}))?");

    public HostSettings {
        require(workers >= 1, "workers must be at least 1, not " + workers);
        require(outcomesKept >= 1, "outcomes-kept must be at least 1, not " + outcomesKept);
        require(maxAttempts >= 1, "max-attempts must be at least 1, not " + maxAttempts);
        require(poisonDeaths >= 1, "poison-deaths must be at least 1, not " + poisonDeaths);
        require(maxPayloadBytes >= 64, "max-payload-bytes must be at least 64, not " + maxPayloadBytes);
        require(reuseBatch >= 1 && reuseBatch <= MAX_REUSE_BATCH, "reuse-batch must be from 1 to " + MAX_REUSE_BATCH
                + ", not " + reuseBatch);
        require(maxPayloadDepth >= 2, "max-payload-depth must be at least 2, not " + maxPayloadDepth);
        require(positive(taskTimeout), "task-timeout must be positive");
        require(positive(retryBackoff) && positive(retryBackoffMax), "retry-backoff and retry-backoff-max must be positive");
        require(heartbeatTtl.toMillis() >= 1000, "heartbeat-ttl must be at least 1s, not " + heartbeatTtl);
        require(orphanCheckInterval.toMillis() >= 1000, "orphan-check-interval must be at least 1s, not "
                + orphanCheckInterval);
        require(!shutdownGrace.isNegative(), "shutdown-grace must not be negative");
        require(!parkUnknownFor.isNegative(), "park-unknown-for must not be negative");
        require(hostId != null && !hostId.isBlank() && !hostId.contains("}"), "host-id must be non-empty, without '}'");
        require(queues != null, "queue must name one or more queues");
        require(EMBEDDED.matcher(redisUrl).matches() || RedisScheme.of(redisUrl).isPresent(),
                "redis must be a Redis URL, 'embedded' or 'embedded:PORT', not " + RedisConnector.masked(redisUrl)
                        + "; a Redis URL is " + RedisScheme.FORMS);
        require(!redisSecurity.trustsOwnCertificates() || RedisScheme.of(redisUrl).map(RedisScheme::tls).orElse(false),
                "redis-truststore and redis-ca-cert apply only to a rediss://, rediss-sentinel:// or rediss-cluster://"
                        + " redis URL");
        require(!scratchDir.startsWith(cacheDir),
                "scratch-dir must be outside cache-dir, so that task code does not write beside cached jars; "
                        + scratchDir + " is inside " + cacheDir);
        require(httpPort >= 0 && httpPort <= 65535, "http-port must be between 0 (off) and 65535, not " + httpPort);
        require(httpBind != null && !httpBind.isBlank(), "http-bind must be an address or host name");
        require(httpToken == null || httpToken.length() >= 16,
                "http-token must be at least 16 characters; make one with: openssl rand -hex 32");
        require(httpPort == 0 || httpToken != null || loopback(httpBind),
                "http-bind " + httpBind + " is not a loopback address, so the HTTP endpoint and its dashboard need a"
                        + " token: set TASKHOST_HTTP_TOKEN (or --http-token, or http-token in the config file), for"
                        + " example to the output of: openssl rand -hex 32; or keep --http-bind 127.0.0.1");
        RunLimits.heap(workerMaxHeap);
        require(workerSandbox != null, "worker-sandbox must be auto, required or off");
        require(workerMaxProcesses >= 32, "worker-max-processes must be at least 32 (a JVM alone has about 20 threads),"
                + " not " + workerMaxProcesses);
        require(workerMemoryHeadroom != null && workerMemoryHeadroom.matches("\\d+[kKmMgG]?"),
                "worker-memory-headroom must be a size such as 512m or 1g, not '" + workerMemoryHeadroom + "'");
        RunLimits.warmSpares(warmSpares);
        RunLimits.tasksPerWorker(tasksPerWorker);
        new ReplicaWait(redisWaitReplicas, redisWaitTimeout); // its own rules: replicas >= 0, a timeout in (0, 4s]
        require(redisWaitReplicas == 0 || !EMBEDDED.matcher(redisUrl).matches(),
                "redis-wait-replicas needs a Redis with replicas; an embedded redis-server has none");
        require(positive(sparesKeptFor), "warm-spares-kept-for must be positive");
        workerJvmOptions = List.copyOf(workerJvmOptions);
        pluginLimits = Map.copyOf(pluginLimits);
        schedules = List.copyOf(schedules);
        require(schedules.stream().map(Schedule::name).distinct().count() == schedules.size(),
                "schedule names must be unique");
        for (Schedule schedule : schedules) {
            int bytes = schedule.payload().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + Schedule.MARK_BYTES;
            require(bytes <= maxPayloadBytes, Schedule.PREFIX + schedule.name() + ".payload: with the run's "
                    + "_schedule field it has about " + bytes + " bytes, above max-payload-bytes " + maxPayloadBytes
                    + ", so every run would be dead-lettered unread");
        }
    }

    /**
     * Every setting, as a record prints them, but with no secret, so that it can be logged as
     * HikariCP logs its configuration: the Redis URL's password is masked, and so is a setting
     * whose name says it is a password or a secret (the truststore's and the plugin keystore's
     * passwords hide themselves inside their own types). Read from the record's components, so
     * that a setting added later is printed, and masked if its name says so.
     */
    @Override
    public String toString() {
        var text = new StringJoiner(", ", "HostSettings[", "]");
        for (RecordComponent component : HostSettings.class.getRecordComponents()) {
            text.add(component.getName() + "=" + shown(component));
        }
        return text.toString();
    }

    private Object shown(RecordComponent component) {
        String name = component.getName();
        if (name.equals("redisUrl")) {
            return RedisConnector.masked(redisUrl);
        }
        Object value;
        try {
            value = component.getAccessor().invoke(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read setting " + name, e);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return value != null && (lower.contains("password") || lower.contains("secret") || lower.contains("token"))
                ? "***" : value;
    }

    /** Settings at their {@link Defaults}, to change one by one before {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The limits every operation gets unless its plugin or the host's settings for it say otherwise. */
    public RunLimits defaultLimits() {
        return new RunLimits(taskTimeout, maxAttempts, workerMaxHeap, workerJvmOptions, warmSpares, tasksPerWorker,
                true);
    }

    /** How many replicas the host waits for after a task's fetch and outcome record, and how long. */
    public ReplicaWait replicaWait() {
        return new ReplicaWait(redisWaitReplicas, redisWaitTimeout);
    }

    /** The port for a bundled redis-server (0 for any free one), or empty when an external Redis is used. */
    public OptionalInt embeddedRedisPort() {
        var matcher = EMBEDDED.matcher(redisUrl);
        if (!matcher.matches()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1)));
    }

    /** Whether {@code bind} is a loopback address; a name that does not resolve is not (the endpoint says why). */
    private static boolean loopback(String bind) {
        try {
            return InetAddress.getByName(bind.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Settings by name, each at its default until set. A setting whose default is computed on each
     * machine ({@code workers}, {@code cacheDir}, {@code scratchDir}, {@code workerJava},
     * {@code hostId}) is computed by {@link #build()} unless it was set; {@code pluginsDir},
     * {@code cacheDir} and {@code scratchDir} are made absolute.
     */
    public static final class Builder {

        private String redisUrl = Defaults.REDIS;
        private RedisSecurity redisSecurity = RedisSecurity.NONE;
        private QueueSelection queues = QueueSelection.of(Defaults.QUEUE);
        private Path pluginsDir = Path.of(Defaults.PLUGINS_DIR);
        private Integer workers;
        private String defaultClass = Defaults.DEFAULT_CLASS;
        private Path cacheDir;
        private Path scratchDir;
        private Path workerJava;
        private List<String> workerJvmOptions = RunLimits.options(Defaults.WORKER_JVM_OPTIONS);
        private boolean classDataSharing = Boolean.parseBoolean(Defaults.CLASS_DATA_SHARING);
        private SandboxMode workerSandbox = SandboxMode.parse(Defaults.WORKER_SANDBOX);
        private int workerMaxProcesses = Integer.parseInt(Defaults.WORKER_MAX_PROCESSES);
        private String workerMemoryHeadroom = Defaults.WORKER_MEMORY_HEADROOM;
        private String workerMaxHeap = Defaults.WORKER_MAX_HEAP;
        private int warmSpares = Integer.parseInt(Defaults.WARM_SPARES);
        private int tasksPerWorker = Integer.parseInt(Defaults.TASKS_PER_WORKER);
        private Duration sparesKeptFor = DurationText.parse(Defaults.WARM_SPARES_KEPT_FOR);
        private Duration taskTimeout = DurationText.parse(Defaults.TASK_TIMEOUT);
        private int maxAttempts = Integer.parseInt(Defaults.MAX_ATTEMPTS);
        private Duration retryBackoff = DurationText.parse(Defaults.RETRY_BACKOFF);
        private Duration retryBackoffMax = DurationText.parse(Defaults.RETRY_BACKOFF_MAX);
        private int poisonDeaths = Integer.parseInt(Defaults.POISON_DEATHS);
        private Map<String, RunLimits> pluginLimits = Map.of();
        private Duration shutdownGrace = DurationText.parse(Defaults.SHUTDOWN_GRACE);
        private int outcomesKept = Integer.parseInt(Defaults.OUTCOMES_KEPT);
        private String hostId;
        private Duration heartbeatTtl = DurationText.parse(Defaults.HEARTBEAT_TTL);
        private int maxPayloadBytes = Integer.parseInt(Defaults.MAX_PAYLOAD_BYTES);
        private int maxPayloadDepth = Integer.parseInt(Defaults.MAX_PAYLOAD_DEPTH);
        private Duration parkUnknownFor = DurationText.parse(Defaults.PARK_UNKNOWN_FOR);
        private TrustSettings pluginTrust = TrustSettings.defaults();
        private Duration fetchTimeout = DurationText.parse(Defaults.FETCH_TIMEOUT);
        private Duration orphanCheckInterval = DurationText.parse(Defaults.ORPHAN_CHECK_INTERVAL);
        private Duration rescanInterval = DurationText.parse(Defaults.RESCAN_INTERVAL);
        private int httpPort = Integer.parseInt(Defaults.HTTP_PORT);
        private String httpBind = Defaults.HTTP_BIND;
        private int redisWaitReplicas = Integer.parseInt(Defaults.REDIS_WAIT_REPLICAS);
        private Duration redisWaitTimeout = DurationText.parse(Defaults.REDIS_WAIT_TIMEOUT);
        private List<Schedule> schedules = List.of();
        private String httpToken;
        private boolean httpReadOnly = Boolean.parseBoolean(Defaults.HTTP_READ_ONLY);
        private int reuseBatch = Integer.parseInt(Defaults.REUSE_BATCH);

        private Builder() {
        }

        /**
         * @throws IllegalArgumentException naming the first setting that breaks a rule, as
         *                                  {@code "workers must be at least 1, not 0"}
         */
        public HostSettings build() {
            return new HostSettings(redisUrl, redisSecurity, queues, pluginsDir.toAbsolutePath(),
                    workers != null ? workers : Runtime.getRuntime().availableProcessors(),
                    defaultClass,
                    (cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "taskhost"))
                            .toAbsolutePath(),
                    (scratchDir != null ? scratchDir : Path.of(System.getProperty("java.io.tmpdir"))).toAbsolutePath(),
                    workerJava != null ? workerJava : Path.of(System.getProperty("java.home"), "bin", "java"),
                    workerJvmOptions, classDataSharing, workerSandbox, workerMaxProcesses, workerMemoryHeadroom,
                    workerMaxHeap, warmSpares, tasksPerWorker, sparesKeptFor,
                    taskTimeout, maxAttempts, retryBackoff, retryBackoffMax, poisonDeaths, pluginLimits, shutdownGrace,
                    outcomesKept, hostId != null ? hostId : Machine.current().defaultHostId(), heartbeatTtl,
                    maxPayloadBytes, maxPayloadDepth, parkUnknownFor, pluginTrust, fetchTimeout, orphanCheckInterval, rescanInterval,
                    httpPort, httpBind, redisWaitReplicas, redisWaitTimeout, schedules, httpToken, httpReadOnly,
                    reuseBatch);
        }

        public Builder redisUrl(String redisUrl) {
            this.redisUrl = redisUrl;
            return this;
        }

        public Builder redisSecurity(RedisSecurity redisSecurity) {
            this.redisSecurity = redisSecurity;
            return this;
        }

        /**
         * @param queues one queue key, or several as {@code a,b,c} (strict order) or {@code a:5,b:1} (weighted)
         * @throws IllegalArgumentException saying what is wrong with {@code queues}
         */
        public Builder queue(String queues) {
            this.queues = QueueSelection.parse(queues);
            return this;
        }

        public Builder pluginsDir(Path pluginsDir) {
            this.pluginsDir = pluginsDir;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder defaultClass(String defaultClass) {
            this.defaultClass = defaultClass;
            return this;
        }

        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public Builder scratchDir(Path scratchDir) {
            this.scratchDir = scratchDir;
            return this;
        }

        public Builder workerJava(Path workerJava) {
            this.workerJava = workerJava;
            return this;
        }

        public Builder workerJvmOptions(List<String> workerJvmOptions) {
            this.workerJvmOptions = workerJvmOptions;
            return this;
        }

        public Builder classDataSharing(boolean classDataSharing) {
            this.classDataSharing = classDataSharing;
            return this;
        }

        public Builder workerSandbox(SandboxMode workerSandbox) {
            this.workerSandbox = workerSandbox;
            return this;
        }

        public Builder workerMaxProcesses(int workerMaxProcesses) {
            this.workerMaxProcesses = workerMaxProcesses;
            return this;
        }

        public Builder workerMemoryHeadroom(String workerMemoryHeadroom) {
            this.workerMemoryHeadroom = workerMemoryHeadroom;
            return this;
        }

        public Builder workerMaxHeap(String workerMaxHeap) {
            this.workerMaxHeap = workerMaxHeap;
            return this;
        }

        public Builder warmSpares(int warmSpares) {
            this.warmSpares = warmSpares;
            return this;
        }

        public Builder tasksPerWorker(int tasksPerWorker) {
            this.tasksPerWorker = tasksPerWorker;
            return this;
        }

        public Builder sparesKeptFor(Duration sparesKeptFor) {
            this.sparesKeptFor = sparesKeptFor;
            return this;
        }

        public Builder taskTimeout(Duration taskTimeout) {
            this.taskTimeout = taskTimeout;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public Builder retryBackoffMax(Duration retryBackoffMax) {
            this.retryBackoffMax = retryBackoffMax;
            return this;
        }

        public Builder poisonDeaths(int poisonDeaths) {
            this.poisonDeaths = poisonDeaths;
            return this;
        }

        /** @param pluginLimits plugin id to the host's overrides for that plugin's operations */
        public Builder pluginLimits(Map<String, RunLimits> pluginLimits) {
            this.pluginLimits = pluginLimits;
            return this;
        }

        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        public Builder outcomesKept(int outcomesKept) {
            this.outcomesKept = outcomesKept;
            return this;
        }

        public Builder hostId(String hostId) {
            this.hostId = hostId;
            return this;
        }

        public Builder heartbeatTtl(Duration heartbeatTtl) {
            this.heartbeatTtl = heartbeatTtl;
            return this;
        }

        public Builder maxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        public Builder maxPayloadDepth(int maxPayloadDepth) {
            this.maxPayloadDepth = maxPayloadDepth;
            return this;
        }

        public Builder parkUnknownFor(Duration parkUnknownFor) {
            this.parkUnknownFor = parkUnknownFor;
            return this;
        }

        public Builder pluginTrust(TrustSettings pluginTrust) {
            this.pluginTrust = pluginTrust;
            return this;
        }

        public Builder fetchTimeout(Duration fetchTimeout) {
            this.fetchTimeout = fetchTimeout;
            return this;
        }

        /**
         * How often a host looks in its processing lists for entries no slot runs: a fetch whose reply
         * was lost, or a record a failover lost. Tests shorten it; a host also looks after any failed
         * fetch or record.
         */
        public Builder orphanCheckInterval(Duration orphanCheckInterval) {
            this.orphanCheckInterval = orphanCheckInterval;
            return this;
        }

        /**
         * How many tasks a slot takes at once as it records the last ones, when those ran in reuse mode;
         * they are written ahead to one reused JVM. 1 takes a task only once a slot is free.
         */
        public Builder reuseBatch(int reuseBatch) {
            this.reuseBatch = reuseBatch;
            return this;
        }

        public Builder rescanInterval(Duration rescanInterval) {
            this.rescanInterval = rescanInterval;
            return this;
        }

        public Builder httpPort(int httpPort) {
            this.httpPort = httpPort;
            return this;
        }

        public Builder httpBind(String httpBind) {
            this.httpBind = httpBind;
            return this;
        }

        public Builder redisWaitReplicas(int redisWaitReplicas) {
            this.redisWaitReplicas = redisWaitReplicas;
            return this;
        }

        /** @param httpToken null or blank for none */
        public Builder httpToken(String httpToken) {
            this.httpToken = httpToken == null || httpToken.isBlank() ? null : httpToken.trim();
            return this;
        }

        public Builder httpReadOnly(boolean httpReadOnly) {
            this.httpReadOnly = httpReadOnly;
            return this;
        }

        public Builder redisWaitTimeout(Duration redisWaitTimeout) {
            this.redisWaitTimeout = redisWaitTimeout;
            return this;
        }

        /** @param schedules the config file's recurring tasks */
        public Builder schedules(List<Schedule> schedules) {
            this.schedules = schedules;
            return this;
        }
    }
}
