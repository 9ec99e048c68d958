package io.taskhost.host.plugins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Keeps this host's catalog snapshot in Redis for {@code taskhost plugins}, with a TTL, so that a
 * dead host's view fades with its heartbeat.
 */
public final class SnapshotPublisher {

    private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String hostId;
    private final PluginCatalog catalog;
    private final Duration ttl;
    private final ObjectMapper mapper;

    public SnapshotPublisher(UnifiedJedis redis, QueueKeys keys, String hostId, PluginCatalog catalog, Duration ttl,
                             ObjectMapper mapper) {
        this.redis = redis;
        this.keys = keys;
        this.hostId = hostId;
        this.catalog = catalog;
        this.ttl = ttl;
        this.mapper = mapper;
    }

    public void publish() {
        try {
            redis.set(keys.plugins(hostId), mapper.writeValueAsString(catalog.snapshot(hostId)),
                    SetParams.setParams().px(ttl.toMillis()));
        } catch (JedisException e) {
            log.debug("cannot publish the plugin snapshot ({}); the next heartbeat tries again", e.getMessage());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the plugin snapshot", e);
        }
    }

    public void withdraw() {
        try {
            redis.del(keys.plugins(hostId));
        } catch (JedisException e) {
            log.debug("cannot withdraw the plugin snapshot ({}); it expires in {}", e.getMessage(), ttl);
        }
    }
}
