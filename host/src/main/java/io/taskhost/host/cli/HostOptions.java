package io.taskhost.host.cli;

import io.taskhost.host.config.Defaults;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.plugins.TrustSettings;
import io.taskhost.host.queue.RedisSecurity;
import io.taskhost.host.schedules.Schedule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** The settings of a host, as options; each can also come from the environment or the config file. */
public final class HostOptions {

    /** {@code WorkerProcess.DEFAULT_JVM_OPTIONS}, as the one string an annotation can hold. */
    public static final String DEFAULT_JVM_OPTIONS = Defaults.WORKER_JVM_OPTIONS;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = Defaults.PLUGINS_DIR,
            description = "Watched directory of plugin jars. Default: ${DEFAULT-VALUE}")
    Path pluginsDir;

    @Option(names = "--workers", paramLabel = "N",
            description = "Tasks run at once, each in its own JVM. Default: the number of cores")
    Integer workers;

    @Option(names = "--default-class", paramLabel = "NAME", defaultValue = Defaults.DEFAULT_CLASS,
            description = "The class of a payload that names none. Default: ${DEFAULT-VALUE}")
    String defaultClass;

    @Option(names = "--cache-dir", paramLabel = "DIR", defaultValue = Defaults.CACHE_DIR,
            description = "Where jar copies and class-data archives live. Default: ${DEFAULT-VALUE}")
    Path cacheDir;

    @Option(names = "--scratch-dir", paramLabel = "DIR",
            description = "Where each worker JVM gets a directory of its own (its working directory, TMPDIR and"
                    + " java.io.tmpdir), deleted once it is gone; outside --cache-dir. Default: the host's"
                    + " java.io.tmpdir")
    Path scratchDir;

    @Option(names = "--worker-java", paramLabel = "PATH",
            description = "The java executable for worker JVMs. Default: the host's own")
    Path workerJava;

    @Option(names = "--worker-jvm-options", paramLabel = "OPTIONS", defaultValue = Defaults.WORKER_JVM_OPTIONS,
            description = "JVM options for worker JVMs, space-separated. Default: ${DEFAULT-VALUE}")
    String workerJvmOptions;

    @Option(names = "--class-data-sharing", paramLabel = "BOOLEAN", negatable = true, arity = "0..1",
            defaultValue = Defaults.CLASS_DATA_SHARING, fallbackValue = "true",
            description = "Start worker JVMs from a class-data archive (AppCDS, or an AOT cache on JDK 24+) that the"
                    + " host builds in the background per plugin jar and JDK. Default: ${DEFAULT-VALUE}")
    boolean classDataSharing;

    @Option(names = "--worker-sandbox", paramLabel = "MODE", defaultValue = Defaults.WORKER_SANDBOX,
            description = "Run each worker JVM in a bubblewrap sandbox: auto (where the machine allows, else one"
                    + " warning at start), required (else exit 2) or off. Default: ${DEFAULT-VALUE}")
    String workerSandbox;

    @Option(names = "--worker-max-processes", paramLabel = "N", defaultValue = Defaults.WORKER_MAX_PROCESSES,
            description = "Processes and threads a sandboxed worker may have at once, so that a task that forks"
                    + " without end fails alone. Default: ${DEFAULT-VALUE}")
    int workerMaxProcesses;

    @Option(names = "--worker-memory-headroom", paramLabel = "SIZE", defaultValue = Defaults.WORKER_MEMORY_HEADROOM,
            description = "Memory a sandboxed worker may use beyond its heap, its child processes included; its"
                    + " limit is its heap plus this. Default: ${DEFAULT-VALUE}")
    String workerMemoryHeadroom;

    @Option(names = "--worker-max-heap", paramLabel = "SIZE", defaultValue = Defaults.WORKER_MAX_HEAP,
            description = "Worker JVM heap (-Xmx); a worker that runs out exits and the task fails with out_of_memory."
                    + " Default: ${DEFAULT-VALUE}")
    String workerMaxHeap;

    @Option(names = "--warm-spares", paramLabel = "K", defaultValue = Defaults.WARM_SPARES,
            description = "Worker JVMs started ahead of demand for each recently used plugin: each loads the plugin,"
                    + " waits, and runs one task; 0 turns them off. Default: ${DEFAULT-VALUE}")
    int warmSpares;

    @Option(names = "--warm-spares-kept-for", paramLabel = "DURATION", defaultValue = Defaults.WARM_SPARES_KEPT_FOR,
            description = "A plugin version no task has used for this long keeps no warm spares."
                    + " Default: ${DEFAULT-VALUE}")
    Duration sparesKeptFor;

    @Option(names = "--tasks-per-worker", paramLabel = "M", defaultValue = Defaults.TASKS_PER_WORKER,
            description = "Tasks one worker JVM runs, one after another, before it exits; above 1 is reuse mode,"
                    + " best set per plugin (plugin.<id>.tasks-per-worker). Default: ${DEFAULT-VALUE}")
    int tasksPerWorker;

    @Option(names = "--task-timeout", paramLabel = "DURATION", defaultValue = Defaults.TASK_TIMEOUT,
            description = "How long one operation may run before its worker is killed. Default: ${DEFAULT-VALUE}")
    Duration taskTimeout;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = Defaults.MAX_ATTEMPTS,
            description = "Runs of a task at most, the first included; 1 turns retries off. Default: ${DEFAULT-VALUE}")
    int maxAttempts;

    @Option(names = "--retry-backoff", paramLabel = "DURATION", defaultValue = Defaults.RETRY_BACKOFF,
            description = "Wait before the first retry; it doubles for each further one, with jitter."
                    + " Default: ${DEFAULT-VALUE}")
    Duration retryBackoff;

    @Option(names = "--retry-backoff-max", paramLabel = "DURATION", defaultValue = Defaults.RETRY_BACKOFF_MAX,
            description = "The longest wait between retries. Default: ${DEFAULT-VALUE}")
    Duration retryBackoffMax;

    @Option(names = "--poison-deaths", paramLabel = "N", defaultValue = Defaults.POISON_DEATHS,
            description = "A task whose runs died this often (exit, kill, timeout, lost host) is quarantined in the"
                    + " dead letters. Default: ${DEFAULT-VALUE}")
    int poisonDeaths;

    @Option(names = "--heartbeat-ttl", paramLabel = "DURATION", defaultValue = Defaults.HEARTBEAT_TTL,
            description = "A host whose heartbeat is older than this is dead; peers recover its tasks."
                    + " Default: ${DEFAULT-VALUE}")
    Duration heartbeatTtl;

    @Option(names = "--max-payload-bytes", paramLabel = "N", defaultValue = Defaults.MAX_PAYLOAD_BYTES,
            description = "Larger payloads are dead-lettered unread. Default: ${DEFAULT-VALUE}")
    int maxPayloadBytes;

    @Option(names = "--park-unknown-for", paramLabel = "DURATION", defaultValue = Defaults.PARK_UNKNOWN_FOR,
            description = "How long a task for a class no plugin provides waits for one before it is dead-lettered;"
                    + " 0s dead-letters it at once. Default: ${DEFAULT-VALUE}")
    Duration parkUnknownFor;

    @Option(names = "--plugin-permissions", paramLabel = "MODE", defaultValue = Defaults.PLUGIN_PERMISSIONS,
            description = "strict: refuse a plugins-dir or jar that others can write to or that another user owns,"
                    + " saying how to fix it; warn: load it and log a warning. Default: ${DEFAULT-VALUE}")
    String pluginPermissions;

    @Option(names = "--plugin-allowlist", paramLabel = "FILE",
            description = "Load only jars whose SHA-256 is listed in FILE, one per line (# comments).")
    Path pluginAllowlist;

    @Option(names = "--plugin-keystore", paramLabel = "FILE",
            description = "Load only jars signed (jarsigner) by a certificate trusted in this PKCS12 or JKS keystore.")
    Path pluginKeystore;

    @Option(names = "--plugin-keystore-password", paramLabel = "SECRET",
            description = "Password of --plugin-keystore; prefer TASKHOST_PLUGIN_KEYSTORE_PASSWORD or the config"
                    + " file, which other users cannot read with ps.")
    String pluginKeystorePassword;

    @Option(names = "--reuse-batch", paramLabel = "N", defaultValue = Defaults.REUSE_BATCH,
            description = "Tasks a slot takes at once as it records the last ones, when those ran in reuse mode,"
                    + " written ahead to one reused JVM; 1 takes a task only once a slot is free. Default: ${DEFAULT-VALUE}")
    int reuseBatch;

    @Option(names = "--max-payload-depth", paramLabel = "N", defaultValue = Defaults.MAX_PAYLOAD_DEPTH,
            description = "Payloads nested deeper are dead-lettered. Default: ${DEFAULT-VALUE}")
    int maxPayloadDepth;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = Defaults.SHUTDOWN_GRACE,
            description = "How long a stopping host waits for running tasks. Default: ${DEFAULT-VALUE}")
    Duration shutdownGrace;

    @Option(names = "--outcomes-kept", paramLabel = "N", defaultValue = Defaults.OUTCOMES_KEPT,
            description = "Outcome records kept in {queue}:outcomes. Default: ${DEFAULT-VALUE}")
    int outcomesKept;

    @Option(names = "--host-id", paramLabel = "ID",
            description = "This host's name in Redis keys; unique per host sharing a queue. Default: the hostname, a"
                    + " dash and 8 hex digits derived from the machine's boot id and pid namespace")
    String hostId;

    @Option(names = "--rescan-interval", paramLabel = "DURATION", defaultValue = Defaults.RESCAN_INTERVAL,
            description = "Periodic rescan of plugins-dir, besides file-system events. Default: ${DEFAULT-VALUE}")
    Duration rescanInterval;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = Defaults.HTTP_PORT,
            description = "Serve the dashboard (/), its API (/api/), /health, /metrics (Prometheus) and /status over"
                    + " HTTP on this port; 0 turns it off."
                    + " Default: ${DEFAULT-VALUE}")
    int httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS", defaultValue = Defaults.HTTP_BIND,
            description = "Address the HTTP endpoint listens on; any but a loopback address needs --http-token."
                    + " Default: ${DEFAULT-VALUE}")
    String httpBind;

    @Option(names = "--http-token", paramLabel = "SECRET",
            description = "What every request to the HTTP endpoint but /health must present, as 'Authorization: Bearer"
                    + " SECRET' or through the dashboard's login form; required when --http-bind is not a loopback"
                    + " address. Prefer TASKHOST_HTTP_TOKEN or the config file, which other users cannot read with ps.")
    String httpToken;

    @Option(names = "--http-read-only", paramLabel = "BOOLEAN", arity = "0..1", defaultValue = Defaults.HTTP_READ_ONLY,
            fallbackValue = "true",
            description = "The dashboard shows but changes nothing: no buttons, and every POST is refused."
                    + " Default: ${DEFAULT-VALUE}")
    boolean httpReadOnly;

    @Option(names = "--redis-wait-replicas", paramLabel = "N", defaultValue = Defaults.REDIS_WAIT_REPLICAS,
            description = "After taking a task and after recording its outcome, wait (Redis WAIT) until N replicas"
                    + " have the write, so that a failover cannot lose it; 0 waits for none. Default: ${DEFAULT-VALUE}")
    int redisWaitReplicas;

    @Option(names = "--redis-wait-timeout", paramLabel = "DURATION", defaultValue = Defaults.REDIS_WAIT_TIMEOUT,
            description = "The longest wait for --redis-wait-replicas, at most 4s; fewer replicas in time is a warning,"
                    + " and the task goes on. Default: ${DEFAULT-VALUE}")
    Duration redisWaitTimeout;

    /**
     * Settings from command-line style arguments alone, every other setting at its default: for
     * tests of the command line, which must not pick up a TASKHOST_* variable by accident.
     */
    public static HostSettings parse(String... args) {
        return parse(HostSettings.builder(), args);
    }

    /**
     * {@code base}, with the settings that command-line style arguments give changed: for tests whose
     * hosts start from settings of their own and change a few as a user would.
     */
    public static HostSettings parse(HostSettings.Builder base, String... args) {
        var options = new HostOptions();
        var commandLine = new CommandLine(CommandLine.Model.CommandSpec.create().addMixin("options",
                CommandLine.Model.CommandSpec.forAnnotatedObject(options)));
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setOverwrittenOptionsAllowed(true);
        Set<String> given = commandLine.parseArgs(args).matchedOptions().stream()
                .map(OptionSpec::longestName).collect(Collectors.toSet());
        return options.applyTo(base, given::contains).build();
    }

    /**
     * Every option's value, from the command line, the environment, the config file or its default.
     *
     * @param pluginLimits the host's per-plugin overrides, from the config file's {@code plugin.<id>.*} keys
     */
    HostSettings toSettings(Map<String, RunLimits> pluginLimits) {
        return toSettings(pluginLimits, List.of());
    }

    /**
     * {@link #toSettings(Map)}, with the config file's recurring tasks.
     *
     * @param schedules from the config file's {@code schedule.<name>.*} keys
     */
    HostSettings toSettings(Map<String, RunLimits> pluginLimits, List<Schedule> schedules) {
        return applyTo(HostSettings.builder(), option -> true).pluginLimits(pluginLimits).schedules(schedules).build();
    }

    /**
     * Sets the options {@code given} accepts on {@code settings}; an option without a value, such as
     * {@code --workers} when no one gave it, leaves the builder's default, computed on this machine.
     */
    private HostSettings.Builder applyTo(HostSettings.Builder settings, Predicate<String> given) {
        var copy = new Copy(given);
        copy.option("--redis", connection.redis, settings::redisUrl);
        if (copy.anyOf("--redis-truststore", "--redis-truststore-password", "--redis-ca-cert")) {
            settings.redisSecurity(RedisSecurity.of(connection.redisTruststore, connection.redisTruststorePassword,
                    connection.redisCaCert));
        }
        copy.option("--queue", connection.queue, settings::queue);
        copy.option("--plugins-dir", pluginsDir, settings::pluginsDir);
        copy.option("--workers", workers, settings::workers);
        copy.option("--default-class", defaultClass, settings::defaultClass);
        copy.option("--cache-dir", cacheDir, settings::cacheDir);
        copy.option("--scratch-dir", scratchDir, settings::scratchDir);
        copy.option("--worker-java", workerJava, settings::workerJava);
        copy.option("--worker-jvm-options", workerJvmOptions, text -> settings.workerJvmOptions(RunLimits.options(text)));
        copy.option("--class-data-sharing", classDataSharing, settings::classDataSharing);
        copy.option("--worker-sandbox", workerSandbox, text -> settings.workerSandbox(SandboxMode.parse(text)));
        copy.option("--worker-max-processes", workerMaxProcesses, settings::workerMaxProcesses);
        copy.option("--worker-memory-headroom", workerMemoryHeadroom, settings::workerMemoryHeadroom);
        copy.option("--worker-max-heap", workerMaxHeap, settings::workerMaxHeap);
        copy.option("--warm-spares", warmSpares, settings::warmSpares);
        copy.option("--warm-spares-kept-for", sparesKeptFor, settings::sparesKeptFor);
        copy.option("--tasks-per-worker", tasksPerWorker, settings::tasksPerWorker);
        copy.option("--task-timeout", taskTimeout, settings::taskTimeout);
        copy.option("--max-attempts", maxAttempts, settings::maxAttempts);
        copy.option("--retry-backoff", retryBackoff, settings::retryBackoff);
        copy.option("--retry-backoff-max", retryBackoffMax, settings::retryBackoffMax);
        copy.option("--poison-deaths", poisonDeaths, settings::poisonDeaths);
        copy.option("--heartbeat-ttl", heartbeatTtl, settings::heartbeatTtl);
        copy.option("--max-payload-bytes", maxPayloadBytes, settings::maxPayloadBytes);
        copy.option("--park-unknown-for", parkUnknownFor, settings::parkUnknownFor);
        if (copy.anyOf("--plugin-permissions", "--plugin-allowlist", "--plugin-keystore", "--plugin-keystore-password")) {
            settings.pluginTrust(pluginTrust());
        }
        copy.option("--max-payload-depth", maxPayloadDepth, settings::maxPayloadDepth);
        copy.option("--reuse-batch", reuseBatch, settings::reuseBatch);
        copy.option("--shutdown-grace", shutdownGrace, settings::shutdownGrace);
        copy.option("--outcomes-kept", outcomesKept, settings::outcomesKept);
        copy.option("--host-id", hostId, settings::hostId);
        copy.option("--rescan-interval", rescanInterval, settings::rescanInterval);
        copy.option("--http-port", httpPort, settings::httpPort);
        copy.option("--http-bind", httpBind, bind -> settings.httpBind(bind.trim()));
        copy.option("--http-token", httpToken, settings::httpToken);
        copy.option("--http-read-only", httpReadOnly, settings::httpReadOnly);
        copy.option("--redis-wait-replicas", redisWaitReplicas, settings::redisWaitReplicas);
        copy.option("--redis-wait-timeout", redisWaitTimeout, settings::redisWaitTimeout);
        return settings;
    }

    /** Copies the options that {@code given} accepts and that have a value. */
    private record Copy(Predicate<String> given) {

        <T> void option(String name, T value, Consumer<T> setter) {
            if (value != null && given.test(name)) {
                setter.accept(value);
            }
        }

        boolean anyOf(String... names) {
            return Arrays.stream(names).anyMatch(given);
        }
    }

    private TrustSettings pluginTrust() {
        TrustSettings.PermissionMode mode = switch (pluginPermissions.trim().toLowerCase(Locale.ROOT)) {
            case "strict" -> TrustSettings.PermissionMode.STRICT;
            case "warn" -> TrustSettings.PermissionMode.WARN;
            default -> throw new IllegalArgumentException("plugin-permissions must be strict or warn, not "
                    + pluginPermissions);
        };
        Set<String> allowlist;
        try {
            allowlist = pluginAllowlist == null ? Set.of() : TrustSettings.readAllowlist(pluginAllowlist.toAbsolutePath());
        } catch (IOException e) {
            throw new IllegalArgumentException("plugin-allowlist " + pluginAllowlist + " cannot be read: " + e, e);
        }
        return new TrustSettings(mode, allowlist, Optional.ofNullable(pluginKeystore).map(Path::toAbsolutePath),
                pluginKeystorePassword == null ? null : pluginKeystorePassword.toCharArray());
    }
}
