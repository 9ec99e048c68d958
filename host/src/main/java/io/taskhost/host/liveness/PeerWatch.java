package io.taskhost.host.liveness;

import io.taskhost.host.queue.QueueKeys;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Looks for registered hosts whose heartbeat has expired and recovers their tasks, under a lock
 * per dead host, so that two live hosts never recover the same list.
 */
public final class PeerWatch {

    private static final Logger log = LoggerFactory.getLogger(PeerWatch.class);
    private static final Duration LOCK_TTL = Duration.ofMinutes(1);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String hostId;
    private final TaskRecovery recovery;
    private final String lockValue = UUID.randomUUID().toString();

    public PeerWatch(UnifiedJedis redis, QueueKeys keys, String hostId, TaskRecovery recovery) {
        this.redis = redis;
        this.keys = keys;
        this.hostId = hostId;
        this.recovery = recovery;
    }

    public void recoverDeadPeers() {
        try {
            for (String peer : redis.hkeys(keys.hosts())) {
                if (!peer.equals(hostId) && !redis.exists(keys.heartbeat(peer))) {
                    recoverUnderLock(peer);
                }
            }
        } catch (JedisException e) {
            log.warn("cannot check peers' heartbeats ({}); trying again later", e.getMessage());
        }
    }

    private void recoverUnderLock(String peer) {
        String lock = keys.recoveryLock(peer);
        if (!"OK".equals(redis.set(lock, lockValue, SetParams.setParams().nx().px(LOCK_TTL.toMillis())))) {
            return;
        }
        try {
            int recovered = recovery.recover(peer);
            log.warn("host {} is gone (heartbeat expired); recovered {} of its task(s)", peer, recovered);
            if (redis.llen(keys.processing(peer)) == 0) {
                redis.hdel(keys.hosts(), peer);
            }
        } finally {
            if (lockValue.equals(redis.get(lock))) {
                redis.del(lock);
            }
        }
    }
}
