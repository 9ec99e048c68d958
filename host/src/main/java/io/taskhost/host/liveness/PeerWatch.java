package io.taskhost.host.liveness;

import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Looks for registered hosts whose heartbeat has lapsed and recovers their tasks, under a lock
 * per dead host, so that two live hosts never recover the same list. A host counts as dead only
 * when its heartbeat stayed absent across two checks a TTL apart: its key expires a TTL after
 * its last beat, so it has then been silent for two TTLs, and one that merely missed a beat or
 * two during a short outage keeps its tasks.
 */
public final class PeerWatch {

    private static final Logger log = LoggerFactory.getLogger(PeerWatch.class);
    private static final Duration LOCK_TTL = Duration.ofMinutes(1);

    /** Forgets a peer only if it is still silent and holds nothing; one that beat again stays registered. */
    private static final String DEREGISTER = """
            if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('LLEN', KEYS[3]) == 0 then
              return redis.call('HDEL', KEYS[1], ARGV[1])
            end
            return 0
            """;

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String hostId;
    private final TaskRecovery recovery;
    private final Duration ttl;
    private final LongSupplier nanoClock;
    private final String lockValue = UUID.randomUUID().toString();
    /** Peer id to when this host first found its heartbeat absent, in {@link #nanoClock} time. */
    private final Map<String, Long> silentSince = new HashMap<>();

    public PeerWatch(UnifiedJedis redis, QueueKeys keys, String hostId, TaskRecovery recovery, Duration ttl,
                     LongSupplier nanoClock) {
        this.redis = redis;
        this.keys = keys;
        this.hostId = hostId;
        this.recovery = recovery;
        this.ttl = ttl;
        this.nanoClock = nanoClock;
    }

    /** Meant to run every half TTL or so, on one thread. */
    public void recoverDeadPeers() {
        try {
            Set<String> peers = redis.hkeys(keys.hosts());
            silentSince.keySet().retainAll(peers);
            long now = nanoClock.getAsLong();
            for (String peer : peers) {
                if (peer.equals(hostId)) {
                    continue;
                }
                if (redis.exists(keys.heartbeat(peer))) {
                    silentSince.remove(peer);
                    continue;
                }
                long since = silentSince.computeIfAbsent(peer, first -> now);
                if (now - since >= ttl.toNanos()) {
                    recoverUnderLock(peer);
                    silentSince.remove(peer);
                }
            }
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot check peers' heartbeats ({}); trying again later",
                    RedisConnector.describe(e));
        }
    }

    private void recoverUnderLock(String peer) {
        String lock = keys.recoveryLock(peer);
        if (!"OK".equals(redis.set(lock, lockValue, SetParams.setParams().nx().px(LOCK_TTL.toMillis())))) {
            return;
        }
        try {
            int recovered = recovery.recover(peer);
            log.warn("host {} is gone (no heartbeat for {}); recovered {} of its task(s)", peer, ttl.multipliedBy(2),
                    recovered);
            redis.eval(DEREGISTER, List.of(keys.hosts(), keys.heartbeat(peer), keys.processing(peer)), List.of(peer));
        } finally {
            if (lockValue.equals(redis.get(lock))) {
                redis.del(lock);
            }
        }
    }
}
