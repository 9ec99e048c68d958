package io.taskhost.host.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Runs the scripts whose loss in a failover makes a task run twice: the fetch, which takes a task
 * into a processing list, and the outcome record, which takes it out. With
 * {@code --redis-wait-replicas N}, a script that wrote is followed by {@code WAIT N timeout} on the
 * connection that ran it. It must be that one: WAIT counts the replicas that have the writes of
 * its own connection, so on another connection of the pool it would prove nothing. Both commands
 * go down one pipeline, which holds one connection: to the master on one Redis or under Sentinel,
 * to the master of the queue's slot on a Cluster.
 *
 * <p>Fewer replicas than asked for within the timeout never fail a task: the host warns once and
 * goes on without waiting, for while the replicas are gone a wait adds only delay, and waits
 * again from the first write, {@link #RECHECK} later, that they acknowledge in time.
 */
public final class ReplicatedWrites {

    /** How often writes that go on without waiting try a wait again. */
    static final Duration RECHECK = Duration.ofSeconds(5);
    /** How often, while replicas keep falling short, the host says so again. */
    private static final Duration REMINDER = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(ReplicatedWrites.class);

    private final UnifiedJedis redis;
    private final ReplicaWait wait;
    private final LongSupplier nanoClock;
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder unacknowledged = new LongAdder();
    private boolean fallingShort;
    private long nextCheck;
    private long nextReminder;
    private long unwaitedSinceReminder;

    /**
     * @param nanoClock {@link System#nanoTime()}, or a clock of the test's
     */
    public ReplicatedWrites(UnifiedJedis redis, ReplicaWait wait, LongSupplier nanoClock) {
        this.redis = redis;
        this.wait = wait;
        this.nanoClock = nanoClock;
    }

    /** Writes that wait for no replica: plain scripts, as with {@code --redis-wait-replicas 0}. */
    public static ReplicatedWrites unwaited(UnifiedJedis redis) {
        return new ReplicatedWrites(redis, ReplicaWait.OFF, System::nanoTime);
    }

    /** {@link #eval(byte[], List, List, Predicate)} of one script call. */
    public Object eval(Script script) {
        return eval(script.body(), script.keys(), script.args(), script.wrote());
    }

    /**
     * Runs {@code script} as {@code EVAL} does and, if {@code wrote} says its reply means it wrote,
     * waits for the replicas. Every key must be in the slot of the first one.
     *
     * @return the script's reply; a wait that falls short or fails does not change it
     * @throws JedisException as {@code EVAL} would, when the script itself failed
     */
    public Object eval(byte[] script, List<byte[]> keys, List<byte[]> args, Predicate<Object> wrote) {
        if (!wait.on()) {
            return redis.eval(script, keys, args);
        }
        if (!waitThisTime()) {
            Object reply = redis.eval(script, keys, args);
            if (wrote.test(reply)) {
                wentOnUnwaited();
            }
            return reply;
        }
        try {
            return evalAndWait(script, keys, args, wrote);
        } catch (JedisRedirectionException moved) {
            // The slot has moved (a Cluster failover or resharding), so the script did not run. A
            // plain command follows the redirection and updates the client's map of slots, which a
            // pipeline does not: the second try goes to the new master.
            redis.exists(keys.get(0));
            return evalAndWait(script, keys, args, wrote);
        }
    }

    /**
     * Runs {@code scripts} in order down one pipeline: one round trip, on one connection, where as
     * many {@link #eval} calls take as many. They are not atomic together: a crash between two leaves
     * the first done alone. Replicas are waited for once, after all, if any wrote. Every key of every
     * script must be in the slot of the first script's first key.
     *
     * @return their replies, in order
     * @throws JedisException when any failed, or the connection did before all replied: any may have run
     */
    public List<Object> evalInTurn(List<Script> scripts) {
        try {
            return pipelined(scripts);
        } catch (JedisRedirectionException moved) {
            // As in eval: a pipeline follows no redirection; a plain command updates the map of slots.
            redis.exists(scripts.get(0).keys().get(0));
            return pipelined(scripts);
        }
    }

    private List<Object> pipelined(List<Script> scripts) {
        AbstractPipeline pipeline = redis.pipelined();
        try {
            List<Response<Object>> responses = new ArrayList<>(scripts.size());
            for (Script script : scripts) {
                responses.add(pipeline.eval(script.body(), script.keys(), script.args()));
            }
            pipeline.sync();
            List<Object> replies = new ArrayList<>(scripts.size());
            boolean wrote = false;
            for (int i = 0; i < scripts.size(); i++) {
                Object reply = replyOf(responses.get(i));
                replies.add(reply);
                wrote |= scripts.get(i).wrote().test(reply);
            }
            if (wrote && wait.on()) {
                if (waitThisTime()) {
                    awaitReplicas(pipeline, scripts.get(0).keys().get(0));
                } else {
                    wentOnUnwaited();
                }
            }
            return replies;
        } finally {
            closeQuietly(pipeline);
        }
    }

    /** Writes that as many replicas as asked for acknowledged in time. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Writes that went on with fewer replicas than asked for, or without a wait while replicas fell short. */
    public long unacknowledged() {
        return unacknowledged.sum();
    }

    private Object evalAndWait(byte[] script, List<byte[]> keys, List<byte[]> args, Predicate<Object> wrote) {
        AbstractPipeline pipeline = redis.pipelined();
        try {
            Response<Object> written = pipeline.eval(script, keys, args);
            pipeline.sync();
            Object reply = replyOf(written);
            if (wrote.test(reply)) {
                awaitReplicas(pipeline, keys.get(0));
            }
            return reply;
        } finally {
            closeQuietly(pipeline);
        }
    }

    /** The script has written: whatever happens to the wait, the write stands, and its reply is returned. */
    private void awaitReplicas(AbstractPipeline pipeline, byte[] key) {
        long replicas;
        try {
            Response<Long> waited = pipeline.waitReplicas(key, wait.replicas(), wait.timeout().toMillis());
            pipeline.sync();
            replicas = replyOf(waited);
        } catch (JedisException e) {
            fellShort("the wait for " + wait.replicas() + " replica(s) failed (" + RedisConnector.describe(e) + ")");
            return;
        }
        if (replicas >= wait.replicas()) {
            acknowledgedInTime(replicas);
        } else {
            fellShort("only " + replicas + " of the " + wait.replicas() + " replica(s) asked for (--redis-wait-replicas)"
                    + " acknowledged a write within " + wait.timeout().toMillis() + " ms");
        }
    }

    private synchronized boolean waitThisTime() {
        if (!fallingShort) {
            return true;
        }
        long now = nanoClock.getAsLong();
        if (now - nextCheck < 0) {
            return false;
        }
        nextCheck = now + RECHECK.toNanos();
        return true;
    }

    private synchronized void acknowledgedInTime(long replicas) {
        acknowledged.increment();
        if (fallingShort) {
            fallingShort = false;
            log.info("replicas acknowledge writes again ({} of {} within {} ms); writes wait for them again",
                    replicas, wait.replicas(), wait.timeout().toMillis());
        }
    }

    private synchronized void fellShort(String what) {
        unacknowledged.increment();
        long now = nanoClock.getAsLong();
        if (!fallingShort) {
            fallingShort = true;
            nextReminder = now + REMINDER.toNanos();
            unwaitedSinceReminder = 0;
            log.warn("{}; the task goes on, and a failover before a replica has the write may lose it and run its"
                    + " task again. Until replicas acknowledge in time again, writes go on without waiting for them"
                    + " (checked every {} s)", what, RECHECK.toSeconds());
        } else {
            unwaitedSinceReminder++;
        }
        nextCheck = now + RECHECK.toNanos();
    }

    private synchronized void wentOnUnwaited() {
        unacknowledged.increment();
        unwaitedSinceReminder++;
        long now = nanoClock.getAsLong();
        if (now - nextReminder >= 0) {
            nextReminder = now + REMINDER.toNanos();
            log.warn("replicas still do not acknowledge writes in time: {} write(s) went on unacknowledged in the last"
                    + " {} s", unwaitedSinceReminder, REMINDER.toSeconds());
            unwaitedSinceReminder = 0;
        }
    }

    /**
     * A Cluster pipeline leaves the replies of a connection that failed unset, and asking for one
     * then throws {@link IllegalStateException}: that is a failed connection.
     */
    private static <T> T replyOf(Response<T> response) {
        try {
            return response.get();
        } catch (IllegalStateException e) {
            throw new JedisConnectionException("the connection to Redis failed before it replied", e);
        }
    }

    private static void closeQuietly(AbstractPipeline pipeline) {
        try {
            pipeline.close();
        } catch (RuntimeException e) {
            // It reads replies still pending on a connection that failed; that failure was already reported.
            log.debug("closing a pipeline: {}", e.getMessage());
        }
    }
}
