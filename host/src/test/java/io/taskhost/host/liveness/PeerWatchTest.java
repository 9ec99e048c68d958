package io.taskhost.host.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.payload.PayloadParser;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.retries.FailureDisposer;
import io.taskhost.host.retries.RetryPolicy;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * A peer's tasks are recovered only when its heartbeat stayed absent for a whole TTL, seen by two
 * checks; a heartbeat that lapses once, as in a short Redis outage or a long pause, costs nothing.
 */
class PeerWatchTest {

    private static final Duration TTL = Duration.ofSeconds(10);

    private final UnifiedJedis redis = TestRedis.shared().client();
    private final QueueKeys keys = new QueueKeys(TestHosts.uniqueQueue());
    private final AtomicLong nanos = new AtomicLong();
    private final ObjectMapper mapper = new ObjectMapper();
    private final OutcomeLog outcomes = new OutcomeLog(redis, keys, 100, mapper);
    private final TaskRecovery recovery = new TaskRecovery(redis, keys, outcomes,
            new FailureDisposer(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 3), mapper,
                    Clock.systemUTC(), () -> 0.5, 1 << 20),
            new PayloadParser("TaskproModel", 1 << 20, 64), "watcher", 5);
    private final PeerWatch watch = new PeerWatch(redis, keys, "watcher", recovery, TTL, nanos::get);

    @AfterEach
    void close() {
        redis.close();
    }

    private void registerPeerWithATask(String peer) {
        redis.hset(keys.hosts(), peer, "{}");
        redis.lpush(keys.processing(peer).getBytes(StandardCharsets.UTF_8),
                TaskEntry.create("{\"worker\":\"noop\",\"class\":\"Fixtures\"}".getBytes(StandardCharsets.UTF_8)).entry());
    }

    private boolean recovered(String peer) {
        return redis.llen(keys.processing(peer)) == 0;
    }

    @Test
    void aHeartbeatAbsentAtOneCheckButBackByTheNextCostsThePeerNothing() {
        registerPeerWithATask("flaky");
        watch.recoverDeadPeers();
        assertFalse(recovered("flaky"), "one check that finds no heartbeat is not enough");

        redis.set(keys.heartbeat("flaky"), "{}");
        nanos.addAndGet(TTL.toNanos() * 2);
        watch.recoverDeadPeers();
        assertFalse(recovered("flaky"), "the heartbeat came back");

        redis.del(keys.heartbeat("flaky"));
        watch.recoverDeadPeers();
        nanos.addAndGet(TTL.toNanos() - 1);
        watch.recoverDeadPeers();
        assertFalse(recovered("flaky"), "absent for less than a TTL since it lapsed again");

        nanos.addAndGet(1);
        watch.recoverDeadPeers();
        assertTrue(recovered("flaky"), "absent across two checks a TTL apart");
        assertEquals(1, redis.zcard(keys.retries()) + redis.llen(keys.queue()), "its task was requeued");
        assertFalse(redis.hexists(keys.hosts(), "flaky"), "and the peer deregistered");
    }

    @Test
    void aPeerThatBeatsAgainDuringItsRecoveryStaysRegistered() {
        registerPeerWithATask("phoenix");
        watch.recoverDeadPeers();
        nanos.addAndGet(TTL.toNanos());
        redis.set(keys.heartbeat("phoenix"), "{}");
        watch.recoverDeadPeers();
        assertTrue(redis.hexists(keys.hosts(), "phoenix"));
        assertFalse(recovered("phoenix"));
    }

    @Test
    void malformedPayloadsInALostPeersListAreDeadLetteredAndTheWatchGoesOn() {
        byte[][] malformed = {
            "{\"worker\":\"noop\",\"_taskhost\":{\"attempt\":\"abc\"}}".getBytes(StandardCharsets.UTF_8),
            "{\"worker\":\"noop\",\"_taskhost\":{\"attempt\":2,\"history\":[{\"attempt\":\"abc\"}]}}".getBytes(StandardCharsets.UTF_8),
            "{\"worker\":\"noop\"} }".getBytes(StandardCharsets.UTF_8),
            {(byte) 0xff, 0, '{'},
        };
        redis.hset(keys.hosts(), "broken", "{}");
        for (byte[] payload : malformed) {
            redis.lpush(keys.processing("broken").getBytes(StandardCharsets.UTF_8), TaskEntry.create(payload).entry());
        }
        watch.recoverDeadPeers();
        nanos.addAndGet(TTL.toNanos());
        watch.recoverDeadPeers();
        assertTrue(recovered("broken"));
        assertEquals(malformed.length, redis.llen(keys.dead()));
        for (String id : redis.lrange(keys.dead(), 0, -1)) {
            assertTrue(redis.hget(keys.deadRecords(), id).contains("\"cause\":\"bad_payload\""));
        }

        registerPeerWithATask("later");
        watch.recoverDeadPeers();
        nanos.addAndGet(TTL.toNanos());
        watch.recoverDeadPeers();
        assertTrue(recovered("later"), "the next lost peer is recovered too");
    }
}
