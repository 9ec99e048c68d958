package io.taskhost.host.liveness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * This host's sign of life: a key with a TTL that the host renews, never a worker, so a busy or
 * CPU-bound task cannot make its host look dead. When the key expires, peers recover the host's
 * processing list. Each host id is held by one live host at a time.
 */
public final class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String hostId;
    private final Duration ttl;
    private final String value;
    private final String hostname;

    public Heartbeat(UnifiedJedis redis, QueueKeys keys, String hostId, Duration ttl, ObjectMapper mapper) {
        this.redis = redis;
        this.keys = keys;
        this.hostId = hostId;
        this.ttl = ttl;
        this.hostname = localHostname();
        var self = mapper.createObjectNode()
                .put("instance", UUID.randomUUID().toString())
                .put("pid", ProcessHandle.current().pid())
                .put("hostname", hostname)
                .put("startedAt", System.currentTimeMillis());
        this.value = self.toString();
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Takes this host id: registers the host and sets the heartbeat.
     *
     * @throws IllegalStateException if a live host holds the id; a crashed predecessor on this
     *                               machine (same hostname, pid gone) is taken over
     */
    public void claim(ObjectMapper mapper) {
        String key = keys.heartbeat(hostId);
        if (!"OK".equals(redis.set(key, value, SetParams.setParams().nx().px(ttl.toMillis())))) {
            String holder = redis.get(key);
            if (holder != null && !crashedPredecessor(holder, mapper)) {
                throw new IllegalStateException("host id " + hostId + " is in use by a live host (" + holder
                        + ", heartbeat key " + key + "); give each host a unique --host-id, or wait "
                        + ttl.toSeconds() + " s for a dead one's heartbeat to expire");
            }
            log.warn("taking over host id {} from a crashed predecessor on this machine: {}", hostId, holder);
            beat();
        }
        redis.hset(keys.hosts(), hostId, value);
    }

    /** Renews the heartbeat; a Redis outage is logged and the next beat tries again. */
    public void beat() {
        try {
            redis.set(keys.heartbeat(hostId), value, SetParams.setParams().px(ttl.toMillis()));
        } catch (JedisException e) {
            log.warn("cannot renew the heartbeat of host {} ({}); peers recover its tasks if it stays down for {}",
                    hostId, e.getMessage(), ttl);
        }
    }

    /** Leaves cleanly: the host holds no tasks any more, so no peer needs to recover it. */
    public void release() {
        try {
            if (value.equals(redis.get(keys.heartbeat(hostId)))) {
                redis.del(keys.heartbeat(hostId));
            }
            if (redis.llen(keys.processing(hostId)) == 0) {
                redis.hdel(keys.hosts(), hostId);
            }
        } catch (JedisException e) {
            log.warn("cannot remove the heartbeat of host {} ({}); it expires in {}", hostId, e.getMessage(), ttl);
        }
    }

    private boolean crashedPredecessor(String holder, ObjectMapper mapper) {
        try {
            JsonNode other = mapper.readTree(holder);
            return hostname.equals(other.path("hostname").asText())
                    && ProcessHandle.of(other.path("pid").asLong(-1)).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException e) {
            return false;
        }
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
