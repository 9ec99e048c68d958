package io.taskhost.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.HostAndPort;

/**
 * The redis-servers of one test bed and the directory they keep their files and logs in. Each
 * server's command line (hence {@code ps}) carries {@link #mark()}, the directory's path, so that
 * a test can see that none is left. Closing kills them all and deletes the directory.
 */
final class RedisProcesses implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_CHARS = 3_000;

    private final Path redisServer;
    private final Path directory;
    private final Map<HostAndPort, RedisProcess> processes = new LinkedHashMap<>();

    private RedisProcesses(Path redisServer, Path directory) {
        this.redisServer = redisServer;
        this.directory = directory;
    }

    /** A new directory named {@code prefix…} under {@code parent}, for servers not started yet. */
    static RedisProcesses inNewDirectory(Path parent, String prefix) {
        Path redisServer = TestRedis.onPath("redis-server");
        if (redisServer == null || TestRedis.onPath("redis-cli") == null) {
            throw new IllegalStateException("Redis Cluster and Sentinel test beds need redis-server (7 or later) and "
                    + "redis-cli on the PATH: apt-get install redis-server");
        }
        try {
            Files.createDirectories(parent);
            return new RedisProcesses(redisServer, Files.createTempDirectory(parent, prefix).toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for a Redis test bed under " + parent, e);
        }
    }

    Path directory() {
        return directory;
    }

    /** What the command line of every process of this bed contains, and nothing else's. */
    String mark() {
        return "taskhost-test-bed:" + directory;
    }

    /**
     * Starts a server on a free loopback port and waits until it answers PING. {@code arguments}
     * gives what follows the binary for a port; when the port was taken between its choice and
     * the server's bind, another port is tried.
     */
    synchronized RedisProcess start(String role, IntFunction<List<String>> arguments) {
        RuntimeException lastFailure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = TestRedis.freePort();
            var address = new HostAndPort("127.0.0.1", port);
            List<String> command = new ArrayList<>();
            command.add(redisServer.toString());
            command.addAll(arguments.apply(port));
            command.addAll(List.of("--proc-title-template", "{title} {listen-addr} {server-mode} " + mark()));
            RedisProcess process = RedisProcess.start(address, command, directory.resolve(role + "-" + port + ".log"));
            processes.put(address, process);
            try {
                Eventually.within(START_DEADLINE, role + " on port " + port + " answers PING", () -> {
                    if (!process.isRunning()) {
                        throw new IllegalStateException(role + " on port " + port + " exited:\n" + tail(process.log()));
                    }
                    return process.answers();
                });
                return process;
            } catch (IllegalStateException e) {
                processes.remove(address).close();
                if (!process.log().contains("already in use")) {
                    throw e;
                }
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    synchronized RedisProcess get(HostAndPort address) {
        RedisProcess process = processes.get(address);
        if (process == null) {
            throw new IllegalArgumentException(address + " is none of this bed's servers: " + processes.keySet());
        }
        return process;
    }

    synchronized List<RedisProcess> all() {
        return List.copyOf(processes.values());
    }

    /** Those that run and are not frozen. */
    synchronized List<RedisProcess> answerable() {
        return processes.values().stream().filter(RedisProcess::isAnswerable).toList();
    }

    synchronized Set<Long> pids() {
        return processes.values().stream().map(RedisProcess::pid).collect(Collectors.toUnmodifiableSet());
    }

    /** The end of every server's log, for a failure message. */
    synchronized String logs() {
        StringBuilder logs = new StringBuilder();
        for (RedisProcess process : processes.values()) {
            logs.append("\n--- ").append(process).append(process.isRunning() ? "" : ", not running").append(" ---\n")
                    .append(tail(process.log()));
        }
        return logs.toString();
    }

    static String tail(String text) {
        return text.length() <= LOG_TAIL_CHARS ? text : "…" + text.substring(text.length() - LOG_TAIL_CHARS);
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (RedisProcess process : processes.values()) {
            try {
                process.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            deleteRecursively(directory);
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
