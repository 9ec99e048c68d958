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
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.retries.RetryPolicy;
import io.taskhost.host.payload.TaskEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Tasks that arrived before their plugin: teams often deploy the producer first. Such a task
 * waits in {@code {queue}:parked}, and in the index of its class, until a plugin that provides
 * its class is loaded, then goes back to the consuming end of the queue; if none comes in time, it
 * is dead-lettered. Releasing reads only the index of each class now routable, so a flood of
 * tasks for a class that never comes costs nothing and holds nobody back.
 */
public final class ParkedTasks {

    private static final Logger log = LoggerFactory.getLogger(ParkedTasks.class);
    private static final int BATCH = 500;
    /**
     * The longest a host goes without looking for parked tasks whose wait is over: a bound on how late
     * a task parked by a host that is gone since is dead-lettered.
     */
    static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);
    /** The pause after a look that dead-lettered tasks, or failed: more may be due. */
    private static final Duration AFTER_EXPIRING = Duration.ofSeconds(1);

    /**
     * Moves up to ARGV[1] members of the class indexes KEYS[3..] to the queue KEYS[2], oldest
     * consumed first; a member no longer in the parked set KEYS[1] was expired and is only dropped.
     */
    private static final byte[] RELEASE = """
            local budget = tonumber(ARGV[1])
            local moved = 0
            for i = 3, #KEYS do
              local members = redis.call('ZRANGE', KEYS[i], 0, budget - 1)
              for j = #members, 1, -1 do
                redis.call('ZREM', KEYS[i], members[j])
                if redis.call('ZREM', KEYS[1], members[j]) == 1 then
                  redis.call('RPUSH', KEYS[2], string.sub(members[j], 38))
                end
              end
              moved = moved + #members
              budget = budget - #members
              if budget == 0 then return moved end
            end
            return moved
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final OutcomeLog outcomes;
    private final PayloadParser parser;
    private final Duration parkFor;
    private final Duration longestPause;
    private final String hostId;
    private final Clock clock;

    public ParkedTasks(UnifiedJedis redis, QueueKeys keys, OutcomeLog outcomes, TaskSettings settings, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.outcomes = outcomes;
        this.parser = new PayloadParser(settings.defaultClass(), settings.maxPayloadBytes(), settings.maxPayloadDepth());
        this.parkFor = settings.parkUnknownFor();
        this.longestPause = parkFor.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE
                : parkFor.compareTo(AFTER_EXPIRING) < 0 ? AFTER_EXPIRING : parkFor;
        this.hostId = settings.hostId();
        this.clock = clock;
    }

    static Disposition.Park park(String attemptId, byte[] payload, String taskClass, long until) {
        return new Disposition.Park(TaskEntry.of(attemptId, payload).entry(), taskClass, until);
    }

    /** Puts every parked task whose class {@code routes} now provides back on the queue. */
    public void release(RoutingTable routes) {
        if (routes.classNames().isEmpty()) {
            return;
        }
        List<byte[]> scriptKeys = new ArrayList<>(List.of(bytes(keys.parked()), bytes(keys.queue())));
        routes.classNames().forEach(taskClass -> scriptKeys.add(bytes(keys.parkedFor(taskClass))));
        long released = 0;
        long moved;
        try {
            do {
                moved = (Long) redis.eval(RELEASE, scriptKeys, List.of(bytes(Integer.toString(BATCH))));
                released += moved;
            } while (moved == BATCH);
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot release parked tasks ({}); trying again later",
                    RedisConnector.describe(e));
        }
        if (released > 0) {
            log.info("released {} parked task(s): their plugin is here", released);
        }
    }

    /**
     * Dead-letters parked tasks whose wait is over, and says when to look again: when the earliest
     * parked task's wait is over, and at the latest after {@link #LONGEST_PAUSE} or this host's own
     * park time, whichever is shorter. A task this host parks after a look is therefore never
     * looked at late, whatever the pause; another host's is looked at by that host, or by any host
     * within the longest pause if that host is gone.
     *
     * @return the pause until the next look
     */
    public Duration expire() {
        long now = clock.millis();
        List<Tuple> earliest;
        try {
            earliest = redis.zrangeWithScores(bytes(keys.parked()), 0, 0);
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot expire parked tasks ({}); trying again later",
                    RedisConnector.describe(e));
            return AFTER_EXPIRING;
        }
        if (earliest.isEmpty()) {
            return longestPause;
        }
        long until = (long) earliest.get(0).getScore();
        if (until > now) {
            return Duration.ofMillis(Math.min(until - now, longestPause.toMillis()));
        }
        expireDue(now);
        return AFTER_EXPIRING;
    }

    private void expireDue(long now) {
        List<byte[]> due;
        try {
            due = redis.zrangeByScore(bytes(keys.parked()), bytes("-inf"), bytes(Long.toString(now)), 0, BATCH);
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot expire parked tasks ({}); trying again later",
                    RedisConnector.describe(e));
            return;
        }
        for (byte[] member : due) {
            TaskEntry entry = TaskEntry.read(member);
            Optional<Payload> parsed = parse(entry.payload());
            var deadLetter = new Disposition.DeadLetter(TaskEnvelope.read(entry.payload(), parser.mapper()).original());
            OutcomeRecord outcome = expired(entry, parsed, deadLetter);
            if (outcomes.recordParked(member, parsed.map(Payload::taskClass).orElse(null), entry.payload(), outcome,
                    deadLetter)) {
                log.warn("task {} {}.{} failed: {}: {}", outcome.id(), outcome.taskClass(), outcome.worker(),
                        outcome.cause().code(), outcome.reason());
            }
        }
    }

    /**
     * Indexes by class the parked tasks that an earlier version of taskhost parked without an
     * index, once per queue, so that their plugin's arrival releases them too.
     */
    public void indexEarlierVersionsTasks() {
        if (redis.exists(keys.parkedIndexed())) {
            return;
        }
        int indexed = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Tuple> page = redis.zscan(bytes(keys.parked()), bytes(cursor),
                    new ScanParams().count(BATCH));
            for (Tuple parkedTask : page.getResult()) {
                Optional<Payload> parsed = parse(TaskEntry.read(parkedTask.getBinaryElement()).payload());
                if (parsed.isPresent() && redis.zadd(bytes(keys.parkedFor(parsed.get().taskClass())),
                        parkedTask.getScore(), parkedTask.getBinaryElement(),
                        ZAddParams.zAddParams().nx()) == 1) {
                    indexed++;
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        redis.set(keys.parkedIndexed(), Long.toString(clock.millis()));
        if (indexed > 0) {
            log.info("indexed {} parked task(s) of an earlier taskhost version by their class", indexed);
        }
    }

    private Optional<Payload> parse(byte[] payload) {
        try {
            return Optional.of(parser.parse(payload));
        } catch (BadPayloadException e) {
            log.debug("a parked payload no longer parses: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private OutcomeRecord expired(TaskEntry entry, Optional<Payload> parsed, Disposition.DeadLetter deadLetter) {
        String taskClass = parsed.map(Payload::taskClass).orElse(null);
        TaskEnvelope envelope = parsed.map(Payload::envelope).orElse(TaskEnvelope.firstRun(entry.payload()));
        String reason = "no plugin provided class \"" + taskClass + "\" within " + parkFor + "; drop a jar that"
                + " provides it into plugins-dir, then retry the dead letter";
        return OutcomeRecord.builder(entry.id(), keys.queue(), hostId)
                .task(taskClass, parsed.map(Payload::worker).orElse(null))
                .attempt(envelope.attempt(), envelope.history())
                .finishedAt(clock.millis())
                .failed(Cause.UNKNOWN_CLASS, reason)
                .disposed(deadLetter, null, reason + "; " + RetryPolicy.cannotBeRetried(Cause.UNKNOWN_CLASS).why());
    }

    static long until(Clock clock, Duration parkFor) {
        return Instant.now(clock).plus(parkFor).toEpochMilli();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
