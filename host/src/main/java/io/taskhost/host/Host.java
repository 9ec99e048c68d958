package io.taskhost.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.launch.LaunchSettings;
import io.taskhost.host.launch.WorkerClasspath;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.plugins.PluginCatalog;
import io.taskhost.host.plugins.PluginsDirectoryWatcher;
import io.taskhost.host.queue.EmbeddedRedis;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.TaskQueue;
import io.taskhost.host.tasks.TaskHost;
import io.taskhost.host.tasks.TaskSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/** A running host: its Redis connection, plugins-dir watcher and fetch loop, wired together. */
public final class Host implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Host.class);

    private final EmbeddedRedis embeddedRedis;
    private final String redisUrl;
    private final RedisClient redis;
    private final PluginCatalog catalog;
    private final PluginsDirectoryWatcher watcher;
    private final TaskHost tasks;

    private Host(EmbeddedRedis embeddedRedis, String redisUrl, RedisClient redis, PluginCatalog catalog,
                 PluginsDirectoryWatcher watcher, TaskHost tasks) {
        this.embeddedRedis = embeddedRedis;
        this.redisUrl = redisUrl;
        this.redis = redis;
        this.catalog = catalog;
        this.watcher = watcher;
        this.tasks = tasks;
    }

    public static Host start(HostSettings settings) throws IOException {
        var embeddedPort = settings.embeddedRedisPort();
        EmbeddedRedis embedded = embeddedPort.isPresent() ? EmbeddedRedis.start(embeddedPort.getAsInt()) : null;
        String url = embedded == null ? settings.redisUrl() : embedded.url();
        if (embedded != null) {
            log.info("started an embedded redis-server at {}", url);
        }
        RedisClient redis = null;
        try {
            redis = RedisConnector.connect(url, settings.fetchTimeout(), settings.workers() + 2);
            return start(settings, embedded, url, redis);
        } catch (IOException | RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static Host start(HostSettings settings, EmbeddedRedis embedded, String url, RedisClient redis)
            throws IOException {
        Files.createDirectories(settings.pluginsDir());
        Files.createDirectories(settings.cacheDir().resolve("work"));
        ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        var keys = new QueueKeys(settings.queue());
        var catalog = new PluginCatalog(settings.pluginsDir(), settings.cacheDir(), Clock.systemUTC());
        var watcher = new PluginsDirectoryWatcher(catalog, settings.rescanInterval());
        watcher.start();
        var launcher = new WorkerLauncher(
                new LaunchSettings(settings.workerJava(), settings.workerJvmOptions(), settings.cacheDir().resolve("work"),
                        LaunchSettings.DEFAULT_ENVIRONMENT),
                WorkerClasspath.ofHost(), mapper);
        var taskSettings = new TaskSettings(settings.queue(), settings.hostId(), settings.defaultClass(),
                settings.workers(), settings.taskTimeout(), settings.shutdownGrace(), settings.fetchTimeout());
        var tasks = new TaskHost(taskSettings, mapper, catalog::routes, launcher,
                new OutcomeLog(redis, keys, settings.hostId(), settings.outcomesKept(), mapper),
                new TaskQueue(redis, keys, settings.hostId(), settings.fetchTimeout()));
        tasks.start();
        log.info("taskhost {} consuming {} on {} with {} worker slot(s), plugins from {}", settings.hostId(),
                settings.queue(), RedisConnector.masked(url), settings.workers(), settings.pluginsDir());
        return new Host(embedded, url, redis, catalog, watcher, tasks);
    }

    /** The Redis actually in use: the embedded server's URL when one was started. */
    public String redisUrl() {
        return redisUrl;
    }

    public PluginCatalog catalog() {
        return catalog;
    }

    /** Stops fetching, lets running tasks finish within the grace period, and releases everything. */
    @Override
    public void close() throws InterruptedException, IOException {
        try {
            tasks.stop();
        } finally {
            watcher.close();
            redis.close();
            if (embeddedRedis != null) {
                embeddedRedis.close();
            }
        }
        log.info("taskhost stopped");
    }
}
