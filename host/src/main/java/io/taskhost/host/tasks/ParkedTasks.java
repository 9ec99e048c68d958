package io.taskhost.host.tasks;

import io.taskhost.host.outcomes.Cause;
import io.taskhost.host.outcomes.Disposition;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.payload.BadPayloadException;
import io.taskhost.host.payload.Payload;
import io.taskhost.host.payload.PayloadParser;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.retries.TaskEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Tasks that arrived before their plugin: teams often deploy the producer first. Such a task
 * waits in {@code {queue}:parked} until a plugin that provides its class is loaded, then goes
 * back to the consuming end of the queue; if none comes in time, it is dead-lettered.
 */
public final class ParkedTasks {

    private static final Logger log = LoggerFactory.getLogger(ParkedTasks.class);
    private static final int BATCH = 500;

    private static final byte[] RELEASE = """
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
              redis.call('RPUSH', KEYS[2], ARGV[2])
              return 1
            end
            return 0
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final OutcomeLog outcomes;
    private final PayloadParser parser;
    private final Duration parkFor;
    private final String hostId;
    private final Clock clock;

    public ParkedTasks(UnifiedJedis redis, QueueKeys keys, OutcomeLog outcomes, TaskSettings settings, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.outcomes = outcomes;
        this.parser = new PayloadParser(settings.defaultClass(), settings.maxPayloadBytes(), settings.maxPayloadDepth());
        this.parkFor = settings.parkUnknownFor();
        this.hostId = settings.hostId();
        this.clock = clock;
    }

    static Disposition.Park park(String attemptId, byte[] payload, long until) {
        return new Disposition.Park(TaskEntry.of(attemptId, payload).entry(), until);
    }

    /** Puts every parked task whose class {@code routes} now provides back on the queue. */
    public void release(RoutingTable routes) {
        try {
            List<byte[]> members = redis.zrange(bytes(keys.parked()), 0, BATCH - 1);
            int released = 0;
            for (byte[] member : members) {
                byte[] payload = payloadOf(member);
                if (routable(payload, routes) && Long.valueOf(1).equals(redis.eval(RELEASE,
                        List.of(bytes(keys.parked()), bytes(keys.queue())), List.of(member, payload)))) {
                    released++;
                }
            }
            if (released > 0) {
                log.info("released {} parked task(s): their plugin is here", released);
            }
        } catch (JedisException e) {
            log.warn("cannot release parked tasks ({}); trying again later", e.getMessage());
        }
    }

    /** Dead-letters parked tasks whose wait is over. */
    public void expire() {
        try {
            List<byte[]> due = redis.zrangeByScore(bytes(keys.parked()), "-inf".getBytes(StandardCharsets.UTF_8),
                    Long.toString(clock.millis()).getBytes(StandardCharsets.UTF_8), 0, BATCH);
            for (byte[] member : due) {
                byte[] payload = payloadOf(member);
                OutcomeRecord outcome = expired(payload);
                if (outcomes.recordParked(member, payload, outcome,
                        new Disposition.DeadLetter(TaskEnvelope.read(payload, parser.mapper()).original()))) {
                    log.warn("task {} {}.{} failed: unknown_class: {}", outcome.id(), outcome.taskClass(),
                            outcome.worker(), outcome.reason());
                }
            }
        } catch (JedisException e) {
            log.warn("cannot expire parked tasks ({}); trying again later", e.getMessage());
        }
    }

    private OutcomeRecord expired(byte[] payload) {
        String taskClass = null;
        String worker = null;
        TaskEnvelope envelope = TaskEnvelope.firstRun(payload);
        try {
            Payload parsed = parser.parse(payload);
            taskClass = parsed.taskClass();
            worker = parsed.worker();
            envelope = parsed.envelope();
        } catch (BadPayloadException e) {
            log.debug("a parked payload no longer parses: {}", e.getMessage());
        }
        String reason = "no plugin provided class \"" + taskClass + "\" within " + parkFor + "; drop a jar that"
                + " provides it into plugins-dir, then retry the dead letter; not retried: a retry cannot fix"
                + " unknown_class";
        return new OutcomeRecord(UUID.randomUUID().toString(), OutcomeRecord.FAILED, Cause.UNKNOWN_CLASS, reason,
                "dead_lettered", null, null, keys.queue(), hostId, taskClass, worker, envelope.attempt(),
                envelope.history().isEmpty() ? null : envelope.history(), null, null, null, null, null, null, null,
                clock.millis(), null, null, null, null, null);
    }

    private boolean routable(byte[] payload, RoutingTable routes) {
        try {
            return routes.route(parser.parse(payload).taskClass()).isPresent();
        } catch (BadPayloadException e) {
            return false;
        }
    }

    static long until(Clock clock, Duration parkFor) {
        return Instant.now(clock).plus(parkFor).toEpochMilli();
    }

    private static byte[] payloadOf(byte[] member) {
        return TaskEntry.read(member).payload();
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
