package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisException;

/** A host may start before its Redis: how the connection waits for sentinels and cluster nodes, and for one server. */
class ConnectWhenReachableTest {

    @Test
    void aClientOfOneServerIsReturnedAtOnceAndFailsOnlyOnUse() throws IOException {
        String url = "redis://:s3cret@127.0.0.1:" + closedPort();

        try (var redis = RedisConnector.connectWhenReachable(url, RedisSecurity.NONE, Duration.ofSeconds(1), 2,
                () -> true)) {
            assertThrows(JedisException.class, redis::ping);
        }
    }

    @Test
    void clusterNodesOutOfReachAreWaitedForUntilAStopIsRequested() throws IOException {
        String nodes = "127.0.0.1:" + closedPort() + ",127.0.0.1:" + closedPort();
        String url = "redis-cluster://app:s3cret@" + nodes;
        var checks = new AtomicInteger();

        var failure = assertThrows(IllegalStateException.class, () -> RedisConnector.connectWhenReachable(url,
                RedisSecurity.NONE, Duration.ofSeconds(1), 2, () -> checks.incrementAndGet() > 3));

        assertTrue(checks.get() > 3, "it waited, checking for a stop");
        assertEquals("stopped before Redis at redis-cluster://app:***@" + nodes + " could be reached",
                failure.getMessage());
    }

    @Test
    void sentinelsOutOfReachAreWaitedForToo() throws IOException {
        String url = "redis-sentinel://127.0.0.1:" + closedPort() + "#mymaster";
        var checks = new AtomicInteger();

        var failure = assertThrows(IllegalStateException.class, () -> RedisConnector.connectWhenReachable(url,
                RedisSecurity.NONE, Duration.ofSeconds(1), 2, () -> checks.incrementAndGet() > 3));

        assertTrue(failure.getMessage().startsWith("stopped before Redis at " + url), failure.getMessage());
    }

    /** A port nothing listens on: connecting to it is refused at once. */
    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
