package io.taskhost.host.queue;

import java.util.List;
import org.slf4j.event.Level;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Tells a Redis outage from a real error. An outage is Redis being out of reach or in the middle
 * of a change: a dropped or silent connection, a failover (a demoted master answers a blocked
 * {@code BLMOVE} with {@code UNBLOCKED} and writes with {@code READONLY}; a promoted replica does
 * not have the scripts the old master had loaded: {@code NOSCRIPT}), a resharding (MOVED, ASK,
 * TRYAGAIN), a cluster without a majority ({@code CLUSTERDOWN}), a server still loading its data.
 * It passes by itself, so the host waits and tries again, and says so without alarm. Anything
 * else Redis refuses ({@code WRONGTYPE}, a wrong password, a denied command, a full memory, a
 * script error) is not going to pass by itself: it is an error an operator has to see.
 *
 * <p>Either way, the host's loops never stop over a Redis failure; this only decides how loudly it
 * is reported, and whether a host may wait at start for Redis to be reachable.
 */
public final class RedisFailures {

    /**
     * The error codes a server answers while it is failing over, resharding, starting or busy. The
     * same codes are what a script error starts with in Redis 7; in Redis 6 they follow a dash
     * inside the script error's message.
     */
    private static final List<String> PASSING_CODES = List.of("READONLY", "UNBLOCKED", "LOADING", "MASTERDOWN",
            "CLUSTERDOWN", "TRYAGAIN", "NOREPLICAS", "BUSY", "NOSCRIPT", "MOVED", "ASK");

    /** The cluster client's words for keys of one command in several slots: a taskhost bug, not an outage. */
    private static final String CROSS_SLOT = "multiple hash slots";

    private RedisFailures() {
    }

    /** Whether {@code failure}, or a cause of it, is a Redis outage that passes by itself. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (isOutageItself(cause)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** {@link Level#WARN} for an outage, {@link Level#ERROR} for anything else: what to log a Redis failure at. */
    public static Level level(Throwable failure) {
        return isOutage(failure) ? Level.WARN : Level.ERROR;
    }

    private static boolean isOutageItself(Throwable failure) {
        if (failure instanceof JedisConnectionException || failure instanceof JedisRedirectionException
                || failure instanceof JedisClusterException || failure instanceof JedisNoScriptException
                || failure instanceof JedisBusyException) {
            return true;
        }
        if (failure instanceof JedisClusterOperationException) {
            // No more attempts, the retry deadline, no reachable node, no layout learnt yet; but not keys in two slots.
            return !String.valueOf(failure.getMessage()).contains(CROSS_SLOT);
        }
        if (failure instanceof JedisDataException) {
            return answersWithPassingCode(String.valueOf(failure.getMessage()));
        }
        // The pool lent no connection in time: all are held up, or the Sentinel client closed it for the new master's.
        return failure.getClass() == JedisException.class
                && String.valueOf(failure.getMessage()).startsWith("Could not get a resource from the pool");
    }

    private static boolean answersWithPassingCode(String message) {
        for (String code : PASSING_CODES) {
            if (message.startsWith(code + " ") || message.equals(code) || message.contains("-" + code + " ")) {
                return true;
            }
        }
        return false;
    }
}
