package io.taskhost.host.queue;

import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Whether hosts should fetch: {@code taskhost pause} sets a flag for every host of a queue or for
 * one, and a paused host finishes what it runs but takes nothing new until resumed.
 */
public final class PauseFlags {

    private final UnifiedJedis redis;
    private final QueueKeys keys;

    public PauseFlags(UnifiedJedis redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** @param hostId one host, or empty for all of them */
    public void pause(Optional<String> hostId) {
        redis.set(key(hostId), Long.toString(System.currentTimeMillis()));
    }

    public void resume(Optional<String> hostId) {
        redis.del(key(hostId));
    }

    public boolean isPaused(String hostId) {
        return redis.exists(keys.paused(), keys.paused(hostId)) > 0;
    }

    public boolean allPaused() {
        return redis.exists(keys.paused());
    }

    private String key(Optional<String> hostId) {
        return hostId.map(keys::paused).orElse(keys.paused());
    }
}
