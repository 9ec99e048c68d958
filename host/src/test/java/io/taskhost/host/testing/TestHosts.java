package io.taskhost.host.testing;

import io.taskhost.host.Host;
import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.sandbox.SandboxMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** Settings and start-up for hosts under test: real Redis, real worker JVMs, temporary directories. */
public final class TestHosts {

    private TestHosts() {
    }

    public static String uniqueQueue() {
        return "test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The plugins-dir the build filled with the example plugins' jars. */
    public static Path builtPluginsDir() {
        Path dir = Path.of(System.getProperty("taskhost.test.plugins-dir", "../plugins-dir"));
        if (!Files.isRegularFile(dir.resolve("fixtures.jar"))) {
            throw new IllegalStateException(dir.toAbsolutePath() + " has no fixtures.jar; build the whole reactor"
                    + " (mvn verify from the top directory) so that the example plugins are packaged first");
        }
        return dir;
    }

    /** A fresh plugins-dir holding copies of the named jars from the build. */
    public static Path pluginsDirWith(Path parent, String... jars) {
        try {
            Path dir = Files.createDirectories(parent.resolve("plugins-" + UUID.randomUUID()));
            for (String jar : jars) {
                Files.copy(builtPluginsDir().resolve(jar), dir.resolve(jar));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Settings for a host under test, to change further before {@code build()}: two slots, short retry
     * backoff, quick rescans, no parking, host id {@code host-<queue>}, and no sandbox: these tests
     * watch their tasks from outside, through files in the test's directories and real pids, which a
     * sandbox hides. The sandbox's own tests, in {@code io.taskhost.host.sandbox}, turn it on.
     */
    public static HostSettings.Builder builder(TestRedis redis, String queue, Path pluginsDir, Path cacheDir) {
        return HostSettings.builder()
                .redisUrl(redis.url())
                .queue(queue)
                .pluginsDir(pluginsDir)
                .cacheDir(cacheDir)
                .workers(2)
                .taskTimeout(Duration.ofSeconds(60))
                .shutdownGrace(Duration.ofSeconds(20))
                .hostId("host-" + queue)
                .rescanInterval(Duration.ofSeconds(1))
                .retryBackoff(Duration.ofMillis(200))
                .retryBackoffMax(Duration.ofSeconds(1))
                .parkUnknownFor(Duration.ZERO)
                .workerSandbox(SandboxMode.OFF);
    }

    /** The settings of {@link #builder}, with {@code extra} {@code taskhost run} flags winning over them. */
    public static HostSettings settings(TestRedis redis, String queue, Path pluginsDir, Path cacheDir, String... extra) {
        return HostOptions.parse(builder(redis, queue, pluginsDir, cacheDir), extra);
    }

    /** A TCP port nobody listens on right now, for a host's --http-port. */
    public static int freePort() {
        return TestRedis.freePort();
    }

    public static Host start(HostSettings settings) {
        try {
            return Host.start(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
