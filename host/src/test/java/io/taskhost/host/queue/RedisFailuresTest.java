package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** What the host waits out (a failover, a resharding, a dropped connection) and what it reports as an error. */
class RedisFailuresTest {

    private static final HostAndPort NODE = new HostAndPort("10.0.0.2", 7001);

    @Test
    void failoversReshardingsAndLostConnectionsAreOutages() {
        for (Throwable outage : List.of(
                new JedisConnectionException("Unexpected end of stream."),
                new JedisConnectionException(new SocketTimeoutException("Read timed out")),
                new JedisConnectionException("Failed to connect to 127.0.0.1:7001."),
                new JedisConnectionException("All sentinels down, cannot determine where mymaster is running."),
                new JedisDataException("UNBLOCKED force unblock from blocking operation, instance state changed"
                        + " (master -> replica?)"),
                new JedisDataException("READONLY You can't write against a read only replica."),
                new JedisDataException("READONLY You can't write against a read only replica. script:"
                        + " 4d5a1e2f, on @user_script:3."),
                new JedisDataException("ERR Error running script (call to f_4d5a): @user_script:3: @user_script: 3:"
                        + " -READONLY You can't write against a read only replica."),
                new JedisDataException("LOADING Redis is loading the dataset in memory"),
                new JedisDataException("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to"
                        + " 'no'."),
                new JedisDataException("TRYAGAIN Multiple keys request during rehashing of slot"),
                new JedisDataException("NOREPLICAS Not enough good replicas to write."),
                new JedisClusterException("CLUSTERDOWN The cluster is down"),
                new JedisMovedDataException("MOVED 9914 10.0.0.2:7001", NODE, 9914),
                new JedisAskDataException("ASK 9914 10.0.0.2:7001", NODE, 9914),
                new JedisNoScriptException("NOSCRIPT No matching script. Please use EVAL."),
                new JedisBusyException("BUSY Redis is busy running a script."),
                new JedisClusterOperationException("No more cluster attempts left.",
                        new JedisConnectionException("Connection refused"), NODE),
                new JedisClusterOperationException("Cluster retry deadline exceeded."),
                new JedisClusterOperationException("No reachable node in cluster."),
                new JedisClusterOperationException("Could not initialize cluster slots cache."),
                new JedisException("Could not get a resource from the pool", new NoSuchElementException("Timeout"
                        + " waiting for idle object")),
                new RuntimeException("wrapped", new JedisConnectionException("Connection reset")))) {
            assertTrue(RedisFailures.isOutage(outage), outage.toString());
            assertEquals(Level.WARN, RedisFailures.level(outage), outage.toString());
        }
    }

    @Test
    void whatRedisRefusesForGoodIsNotAnOutage() {
        for (Throwable error : List.of(
                new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value"),
                new JedisDataException("ERR Error running script (call to f_4d5a): @user_script:1: user_script:1:"
                        + " attempt to compare nil with number"),
                new JedisDataException("OOM command not allowed when used memory > 'maxmemory'."),
                new JedisDataException("CROSSSLOT Keys in request don't hash to the same slot"),
                new JedisDataException("ERR unknown command 'BLMOVE'"),
                new JedisAccessControlException("WRONGPASS invalid username-password pair or user is disabled."),
                new JedisAccessControlException("NOPERM this user has no permissions to run the 'eval' command"),
                new JedisClusterOperationException("Cannot get connection for command with multiple hash slots"),
                new JedisException("Can connect to sentinel, but mymaster seems to be not monitored."),
                new IllegalStateException("not Redis at all"))) {
            assertFalse(RedisFailures.isOutage(error), error.toString());
            assertEquals(Level.ERROR, RedisFailures.level(error), error.toString());
        }
    }
}
