package io.taskhost.host.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.plugins.CatalogSnapshot;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.queue.QueueKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import redis.clients.jedis.UnifiedJedis;

/** Reads a queue's state out of Redis: depths, counters, and every registered host. */
public final class StatusReader {

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final ObjectMapper mapper;

    public StatusReader(UnifiedJedis redis, QueueKeys keys, ObjectMapper mapper) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
    }

    public QueueStatus read() {
        QueueCounts counts = QueueCounts.read(redis, keys);
        var pauses = new PauseFlags(redis, keys);
        List<QueueStatus.HostStatus> hosts = new ArrayList<>();
        for (String host : new TreeSet<>(redis.hkeys(keys.hosts()))) {
            hosts.add(new QueueStatus.HostStatus(host, redis.exists(keys.heartbeat(host)), pauses.isPaused(host),
                    redis.llen(keys.processing(host)), activePlugins(host)));
        }
        return new QueueStatus(keys.queue(), counts.queue(), counts.retry(), counts.parked(), counts.dead(),
                counts.delayed(), counts.delayedOldestDue(),
                counts.stats(), pauses.allPaused(), hosts);
    }

    private List<String> activePlugins(String host) {
        String snapshot = redis.get(keys.plugins(host));
        List<String> plugins = new ArrayList<>();
        if (snapshot == null) {
            return plugins;
        }
        try {
            for (CatalogSnapshot.JarStatus jar : mapper.readValue(snapshot, CatalogSnapshot.class).jars()) {
                if (CatalogSnapshot.ACTIVE.equals(jar.status())) {
                    plugins.add(jar.id() + "@" + jar.version());
                }
            }
        } catch (IOException e) {
            plugins.add("(unreadable snapshot)");
        }
        return plugins;
    }
}
