package io.taskhost.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A redis-server of the test's own that can be killed and started again on the same port, with
 * an append-only file synced on every write, as a production Redis that must lose nothing runs.
 */
public final class RestartableRedis implements AutoCloseable {

    private final Path binary;
    private final Path dataDir;
    private final int port;
    private Process process;

    private RestartableRedis(Path binary, Path dataDir, int port) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.port = port;
    }

    public static RestartableRedis start(Path dataDir) {
        var redis = new RestartableRedis(TestRedis.redisServerBinary(), dataDir, TestRedis.freePort());
        redis.start();
        return redis;
    }

    /** A server whose port is chosen but which does not run until {@link #start()}: a Redis that comes up late. */
    public static RestartableRedis notStartedYet(Path dataDir) {
        return new RestartableRedis(TestRedis.redisServerBinary(), dataDir, TestRedis.freePort());
    }

    public TestRedis server() {
        return TestRedis.of(url(), "restartable redis-server", () -> { });
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** SIGKILL: no shutdown save, no goodbye to clients. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        process.waitFor();
    }

    public void start() {
        try {
            process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dataDir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "")
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        Eventually.within(Duration.ofSeconds(30), "redis-server on port " + port + " answers PING", () -> {
            try (UnifiedJedis client = RedisClient.create(URI.create(url()))) {
                return "PONG".equals(client.ping());
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
