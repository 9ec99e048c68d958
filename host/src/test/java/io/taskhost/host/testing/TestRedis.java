package io.taskhost.host.testing;

import io.taskhost.host.queue.EmbeddedRedis;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A real Redis for tests, found in this order: {@code REDIS_URL}; a {@code redis-server} on the
 * PATH, started on a free port; Testcontainers, when a Docker engine answers; the redis-server
 * bundled in the embedded-redis jar. Tests never touch a Redis they did not start unless
 * {@code REDIS_URL} says so, and each test uses its own queue key.
 */
public final class TestRedis implements AutoCloseable {

    private static TestRedis shared;

    private final String url;
    private final String source;
    private final AutoCloseable stopper;

    private TestRedis(String url, String source, AutoCloseable stopper) {
        this.url = url;
        this.source = source;
        this.stopper = stopper;
    }

    /** One server for the whole test JVM, stopped when it exits. */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            shared = startNew();
            TestRedis started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    public static TestRedis startNew() {
        String fromEnvironment = System.getenv("REDIS_URL");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new TestRedis(fromEnvironment, "REDIS_URL", () -> { });
        }
        Path redisServer = onPath("redis-server");
        if (redisServer != null) {
            return startLocal(redisServer);
        }
        if (ContainerRedis.dockerAvailable()) {
            return ContainerRedis.start();
        }
        EmbeddedRedis embedded = EmbeddedRedis.start(0);
        return new TestRedis(embedded.url(), "embedded-redis", embedded);
    }

    static TestRedis of(String url, String source, AutoCloseable stopper) {
        return new TestRedis(url, source, stopper);
    }

    public String url() {
        return url;
    }

    public UnifiedJedis client() {
        return RedisClient.create(java.net.URI.create(url));
    }

    @Override
    public String toString() {
        return url + " (" + source + ")";
    }

    @Override
    public void close() {
        try {
            stopper.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop test Redis " + this, e);
        }
    }

    private static TestRedis startLocal(Path redisServer) {
        int port = freePort();
        try {
            Process process = new ProcessBuilder(redisServer.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String url = "redis://127.0.0.1:" + port;
            Eventually.within(Duration.ofSeconds(20), "redis-server on port " + port + " answers PING", () -> {
                try (UnifiedJedis client = RedisClient.create(java.net.URI.create(url))) {
                    return "PONG".equals(client.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
            return new TestRedis(url, "redis-server on the PATH", () -> {
                process.destroy();
                process.waitFor();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + redisServer, e);
        }
    }

    /** A redis-server binary: the one on the PATH, else the one bundled in the embedded-redis jar. */
    static Path redisServerBinary() {
        Path onPath = onPath("redis-server");
        if (onPath != null) {
            return onPath;
        }
        try {
            return redis.embedded.core.ExecutableProvider.newJarResourceProvider().get().toPath();
        } catch (IOException e) {
            throw new UncheckedIOException("no redis-server on the PATH and none could be unpacked", e);
        }
    }

    static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
