package io.taskhost.host.http;

import io.taskhost.host.plugins.PluginCatalog;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.tasks.FetchLoopStatus;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Whether this host can do its job: the Redis server that holds the queue answers (on Redis
 * Cluster, the node that holds its slot), at least one plugin is active (a host with none
 * can run no task, only park them), and the fetch loop is alive and not stuck.
 */
final class HealthCheck {

    record Check(boolean ok, String detail) {
    }

    record Report(boolean healthy, Check redis, Check plugins, Check fetchLoop) {
    }

    private final UnifiedJedis redis;
    private final String queueKey;
    private final PluginCatalog catalog;
    private final Supplier<FetchLoopStatus> fetchLoop;

    HealthCheck(UnifiedJedis redis, QueueKeys keys, PluginCatalog catalog, Supplier<FetchLoopStatus> fetchLoop) {
        this.redis = redis;
        this.queueKey = keys.queue();
        this.catalog = catalog;
        this.fetchLoop = fetchLoop;
    }

    Report check() {
        Check redis = redis();
        Check plugins = plugins();
        FetchLoopStatus loop = fetchLoop.get();
        Check fetch = new Check(loop.ok(), loop.detail());
        return new Report(redis.ok() && plugins.ok() && fetch.ok(), redis, plugins, fetch);
    }

    private Check redis() {
        try {
            // Not PING: on Redis Cluster that goes to any node, and a keyed command to the one that holds the queue.
            redis.exists(queueKey);
            return new Check(true, "EXISTS " + queueKey + " answered");
        } catch (JedisException e) {
            return new Check(false, RedisConnector.describe(e));
        }
    }

    private Check plugins() {
        int active = catalog.routes().plugins().size();
        if (active > 0) {
            return new Check(true, active + " active plugin(s)");
        }
        // Only here, where it explains a failure: the catalog's lock may wait for a rescan in progress.
        int rejected = catalog.rejected().size();
        return new Check(false, "0 active plugin(s), " + rejected + " rejected jar(s); no task can run until a plugin"
                + " jar in " + catalog.directory() + " loads");
    }
}
