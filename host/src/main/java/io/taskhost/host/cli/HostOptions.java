package io.taskhost.host.cli;

import io.taskhost.host.config.HostSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** The settings of a host, as options; each can also come from the environment or the config file. */
final class HostOptions {

    static final String DEFAULT_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError";

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with settings (keys are option names without dashes: queue=..., plugins-dir=...).")
    Path config;

    @Option(names = "--redis", paramLabel = "URL", defaultValue = "redis://127.0.0.1:6379",
            description = "redis://[user:password@]host:port[/db], rediss://... for TLS, or embedded[:PORT] to start a"
                    + " bundled redis-server (on a free port without PORT). Default: ${DEFAULT-VALUE}")
    String redis;

    @Option(names = "--queue", paramLabel = "KEY", defaultValue = "task_queue",
            description = "The Redis list producers LPUSH to. Default: ${DEFAULT-VALUE}")
    String queue;

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
            description = "Where jar copies and worker working directories live. Default: ${DEFAULT-VALUE}")
    Path cacheDir;

    @Option(names = "--worker-java", paramLabel = "PATH",
            description = "The java executable for worker JVMs. Default: the host's own")
    Path workerJava;

    @Option(names = "--worker-jvm-options", paramLabel = "OPTIONS", defaultValue = DEFAULT_JVM_OPTIONS,
            description = "JVM options for worker JVMs, space-separated. Default: ${DEFAULT-VALUE}")
    String workerJvmOptions;

    @Option(names = "--task-timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "How long one operation may run before its worker is killed. Default: ${DEFAULT-VALUE}")
    Duration taskTimeout;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long a stopping host waits for running tasks. Default: ${DEFAULT-VALUE}")
    Duration shutdownGrace;

    @Option(names = "--outcomes-kept", paramLabel = "N", defaultValue = "10000",
            description = "Outcome records kept in {queue}:outcomes. Default: ${DEFAULT-VALUE}")
    int outcomesKept;

    @Option(names = "--host-id", paramLabel = "ID",
            description = "This host's name in Redis keys; unique per host sharing a queue. Default: the hostname")
    String hostId;

    @Option(names = "--rescan-interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "Periodic rescan of plugins-dir, besides file-system events. Default: ${DEFAULT-VALUE}")
    Duration rescanInterval;

    HostSettings toSettings() {
        return new HostSettings(
                redis,
                queue,
                pluginsDir.toAbsolutePath(),
                workers == null ? Runtime.getRuntime().availableProcessors() : workers,
                defaultClass,
                cacheDir.toAbsolutePath(),
                workerJava == null ? Path.of(System.getProperty("java.home"), "bin", "java") : workerJava,
                workerJvmOptions.isBlank() ? List.of() : Arrays.asList(workerJvmOptions.trim().split("\\s+")),
                taskTimeout,
                shutdownGrace,
                outcomesKept,
                hostId == null ? hostname() : hostId,
                Duration.ofSeconds(2),
                rescanInterval);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
