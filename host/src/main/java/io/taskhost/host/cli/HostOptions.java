package io.taskhost.host.cli;

import io.taskhost.host.config.HostSettings;
import io.taskhost.host.liveness.Machine;
import io.taskhost.host.plugins.TrustSettings;
import io.taskhost.host.queue.RedisSecurity;
import io.taskhost.host.limits.RunLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The settings of a host, as options; each can also come from the environment or the config file. */
public final class HostOptions {

    /** {@code WorkerProcess.DEFAULT_JVM_OPTIONS}, as the one string an annotation can hold. */
    public static final String DEFAULT_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError";

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = "plugins-dir",
            description = "Watched directory of plugin jars. Default: ${DEFAULT-VALUE}")
    Path pluginsDir;

    @Option(names = "--workers", paramLabel = "N",
            description = "Tasks run at once, each in its own JVM. Default: the number of cores")
    Integer workers;

    @Option(names = "--default-class", paramLabel = "NAME", defaultValue = "TaskproModel",
            description = "The class of a payload that names none. Default: ${DEFAULT-VALUE}")
    String defaultClass;

    @Option(names = "--cache-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.cache/taskhost",
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

    @Option(names = "--worker-jvm-options", paramLabel = "OPTIONS", defaultValue = DEFAULT_JVM_OPTIONS,
            description = "JVM options for worker JVMs, space-separated. Default: ${DEFAULT-VALUE}")
    String workerJvmOptions;

    @Option(names = "--class-data-sharing", paramLabel = "BOOLEAN", negatable = true, arity = "0..1",
            defaultValue = "true", fallbackValue = "true",
            description = "Start worker JVMs from a class-data archive (AppCDS, or an AOT cache on JDK 24+) that the"
                    + " host builds in the background per plugin jar and JDK. Default: ${DEFAULT-VALUE}")
    boolean classDataSharing;

    @Option(names = "--worker-max-heap", paramLabel = "SIZE", defaultValue = "256m",
            description = "Worker JVM heap (-Xmx); a worker that runs out exits and the task fails with out_of_memory."
                    + " Default: ${DEFAULT-VALUE}")
    String workerMaxHeap;

    @Option(names = "--warm-spares", paramLabel = "K", defaultValue = "1",
            description = "Worker JVMs started ahead of demand for each recently used plugin: each loads the plugin,"
                    + " waits, and runs one task; 0 turns them off. Default: ${DEFAULT-VALUE}")
    int warmSpares;

    @Option(names = "--warm-spares-kept-for", paramLabel = "DURATION", defaultValue = "10m",
            description = "A plugin version no task has used for this long keeps no warm spares."
                    + " Default: ${DEFAULT-VALUE}")
    Duration sparesKeptFor;

    @Option(names = "--tasks-per-worker", paramLabel = "M", defaultValue = "1",
            description = "Tasks one worker JVM runs, one after another, before it exits; above 1 is reuse mode,"
                    + " best set per plugin (plugin.<id>.tasks-per-worker). Default: ${DEFAULT-VALUE}")
    int tasksPerWorker;

    @Option(names = "--task-timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "How long one operation may run before its worker is killed. Default: ${DEFAULT-VALUE}")
    Duration taskTimeout;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "5",
            description = "Runs of a task at most, the first included; 1 turns retries off. Default: ${DEFAULT-VALUE}")
    int maxAttempts;

    @Option(names = "--retry-backoff", paramLabel = "DURATION", defaultValue = "5s",
            description = "Wait before the first retry; it doubles for each further one, with jitter."
                    + " Default: ${DEFAULT-VALUE}")
    Duration retryBackoff;

    @Option(names = "--retry-backoff-max", paramLabel = "DURATION", defaultValue = "1h",
            description = "The longest wait between retries. Default: ${DEFAULT-VALUE}")
    Duration retryBackoffMax;

    @Option(names = "--poison-deaths", paramLabel = "N", defaultValue = "3",
            description = "A task whose runs died this often (exit, kill, timeout, lost host) is quarantined in the"
                    + " dead letters. Default: ${DEFAULT-VALUE}")
    int poisonDeaths;

    @Option(names = "--heartbeat-ttl", paramLabel = "DURATION", defaultValue = "30s",
            description = "A host whose heartbeat is older than this is dead; peers recover its tasks."
                    + " Default: ${DEFAULT-VALUE}")
    Duration heartbeatTtl;

    @Option(names = "--max-payload-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "Larger payloads are dead-lettered unread. Default: ${DEFAULT-VALUE}")
    int maxPayloadBytes;

    @Option(names = "--park-unknown-for", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long a task for a class no plugin provides waits for one before it is dead-lettered;"
                    + " 0s dead-letters it at once. Default: ${DEFAULT-VALUE}")
    Duration parkUnknownFor;

    @Option(names = "--plugin-permissions", paramLabel = "MODE", defaultValue = "strict",
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

    @Option(names = "--max-payload-depth", paramLabel = "N", defaultValue = "64",
            description = "Payloads nested deeper are dead-lettered. Default: ${DEFAULT-VALUE}")
    int maxPayloadDepth;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long a stopping host waits for running tasks. Default: ${DEFAULT-VALUE}")
    Duration shutdownGrace;

    @Option(names = "--outcomes-kept", paramLabel = "N", defaultValue = "10000",
            description = "Outcome records kept in {queue}:outcomes. Default: ${DEFAULT-VALUE}")
    int outcomesKept;

    @Option(names = "--host-id", paramLabel = "ID",
            description = "This host's name in Redis keys; unique per host sharing a queue. Default: the hostname, a"
                    + " dash and 8 hex digits derived from the machine's boot id and pid namespace")
    String hostId;

    @Option(names = "--rescan-interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "Periodic rescan of plugins-dir, besides file-system events. Default: ${DEFAULT-VALUE}")
    Duration rescanInterval;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "0",
            description = "Serve /health, /metrics (Prometheus) and /status over HTTP on this port; 0 turns it off."
                    + " Default: ${DEFAULT-VALUE}")
    int httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address the HTTP endpoint listens on. Default: ${DEFAULT-VALUE}")
    String httpBind;

    /**
     * Settings from command-line style arguments alone, every other setting at its default: for
     * the benchmark and for tests, which must not pick up a TASKHOST_* variable by accident.
     */
    public static HostSettings parse(String... args) {
        var options = new HostOptions();
        var commandLine = new CommandLine(CommandLine.Model.CommandSpec.create().addMixin("options",
                CommandLine.Model.CommandSpec.forAnnotatedObject(options)));
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.parseArgs(args);
        return options.toSettings(Map.of());
    }

    /** @param pluginLimits the host's per-plugin overrides, from the config file's {@code plugin.<id>.*} keys */
    HostSettings toSettings(Map<String, RunLimits> pluginLimits) {
        return new HostSettings(
                connection.redis,
                RedisSecurity.of(connection.redisTruststore, connection.redisTruststorePassword, connection.redisCaCert),
                connection.queue,
                pluginsDir.toAbsolutePath(),
                workers == null ? Runtime.getRuntime().availableProcessors() : workers,
                defaultClass,
                cacheDir.toAbsolutePath(),
                scratchDir == null ? Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()
                        : scratchDir.toAbsolutePath(),
                workerJava == null ? Path.of(System.getProperty("java.home"), "bin", "java") : workerJava,
                RunLimits.options(workerJvmOptions),
                classDataSharing,
                workerMaxHeap,
                warmSpares,
                tasksPerWorker,
                sparesKeptFor,
                taskTimeout,
                maxAttempts,
                retryBackoff,
                retryBackoffMax,
                poisonDeaths,
                pluginLimits,
                shutdownGrace,
                outcomesKept,
                hostId == null ? Machine.current().defaultHostId() : hostId,
                heartbeatTtl,
                maxPayloadBytes,
                maxPayloadDepth,
                parkUnknownFor,
                pluginTrust(),
                Duration.ofSeconds(2),
                rescanInterval,
                httpPort,
                httpBind.trim());
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
