package io.taskhost.host.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Enqueues the occurrences of the host's schedules, those of the config file and those the active plugins
 * declare. Every host runs one, each second; Redis decides which enqueues an occurrence. One script per
 * occurrence compares it with the last occurrence the schedule enqueued and, if it is newer, pushes the payload
 * and records it, both in the target queue's slot: hosts whose clocks are a little apart compute the same
 * occurrences, and the one that is late finds it enqueued already. Occurrences that passed while no host ran
 * are caught up as the schedule's {@link CatchUp} says; a schedule never run before starts from now.
 */
public final class Scheduler {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    /**
     * An occurrence older than this when a host first sees it was missed, not merely seen a tick or two late
     * (a busy host, a GC pause, clocks a little apart).
     */
    static final Duration LATE = Duration.ofSeconds(30);
    /** How often a host says again which schedules it runs, for {@code taskhost schedules}. */
    private static final Duration ANNOUNCE = Duration.ofSeconds(30);

    private static final byte[] ENQUEUE = """
            local last = tonumber(redis.call('HGET', KEYS[1], 'last'))
            local due = tonumber(ARGV[1])
            if last and due <= last then
              return 'already'
            end
            local late = due < tonumber(ARGV[3])
            local payload = ARGV[5]
            local result = 'enqueued'
            if not last then
              if late then
                redis.call('HSET', KEYS[1], 'last', ARGV[1])
                return 'started'
              end
            elseif tonumber(ARGV[2]) > last or late then
              if ARGV[4] == 'once' then
                payload = ARGV[6]
                result = 'caught-up'
              elseif late then
                redis.call('HSET', KEYS[1], 'last', ARGV[1])
                return 'skipped'
              else
                result = 'enqueued-skipping-missed'
              end
            end
            redis.call('LPUSH', KEYS[2], payload)
            redis.call('HSET', KEYS[1], 'last', ARGV[1], 'lastRun', ARGV[1], 'enqueuedAt', ARGV[8], 'by', ARGV[7])
            return result
            """.getBytes(StandardCharsets.UTF_8);

    private final UnifiedJedis redis;
    private final String hostQueue;
    private final String hostId;
    private final List<Schedule> configured;
    private final Supplier<RoutingTable> routes;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final PluginSchedules plugins = new PluginSchedules();
    /** Schedule name to the latest occurrence this host already put to Redis: one script per occurrence. */
    private final Map<String, Instant> settled = new HashMap<>();
    private final Map<String, Announced> announced = new HashMap<>();

    private record Announced(String json, Instant at) {
    }

    /** What {@code taskhost schedules} reads of a schedule from the hosts that run it. */
    public record Listing(String name, String source, String recurrence, String queue, String catchUp, String payload,
                          Long next, String host, long seenAt) {
    }

    /**
     * @param configured the config file's schedules
     * @param routes     the current routing table, whose plugins' schedules are run while they are active
     */
    public Scheduler(UnifiedJedis redis, String hostQueue, String hostId, List<Schedule> configured,
                     Supplier<RoutingTable> routes, Clock clock, ObjectMapper mapper) {
        this.redis = redis;
        this.hostQueue = hostQueue;
        this.hostId = hostId;
        this.configured = List.copyOf(configured);
        this.routes = routes;
        this.clock = clock;
        this.mapper = mapper;
    }

    /** The schedules in force now: the config file's, then the active plugins'. */
    List<Schedule> schedules() {
        List<Schedule> all = new ArrayList<>(configured);
        all.addAll(plugins.of(routes.get()));
        return all;
    }

    /** Enqueues every occurrence that fell due since the last tick; meant to run every second. */
    public void tick() {
        Instant now = clock.instant();
        List<Schedule> schedules = schedules();
        for (Schedule schedule : schedules) {
            try {
                enqueueDue(schedule, now);
            } catch (JedisException e) {
                log.atLevel(RedisFailures.level(e)).log("cannot enqueue schedule {} ({}); trying again shortly",
                        schedule.name(), RedisConnector.describe(e));
            }
        }
        try {
            announce(schedules, now);
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot list the schedules in Redis ({}); trying again shortly",
                    RedisConnector.describe(e));
        }
    }

    private void enqueueDue(Schedule schedule, Instant now) {
        Optional<Instant> latest = schedule.recurrence().latestAtOrBefore(now);
        if (latest.isEmpty() || latest.get().equals(settled.get(schedule.name()))) {
            return;
        }
        Instant due = latest.get();
        long previous = schedule.recurrence().latestAtOrBefore(due.minusMillis(1)).map(Instant::toEpochMilli)
                .orElse(Long.MIN_VALUE);
        var keys = new QueueKeys(schedule.queueOr(hostQueue));
        Object result = redis.eval(ENQUEUE, List.of(bytes(keys.schedule(schedule.name())), bytes(keys.queue())),
                List.of(bytes(Long.toString(due.toEpochMilli())), bytes(Long.toString(previous)),
                        bytes(Long.toString(now.minus(LATE).toEpochMilli())), bytes(schedule.catchUp().text()),
                        ScheduledPayload.of(schedule, due, false, mapper), ScheduledPayload.of(schedule, due, true, mapper),
                        bytes(hostId), bytes(Long.toString(now.toEpochMilli()))));
        String outcome = result instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : String.valueOf(result);
        settled.put(schedule.name(), due);
        switch (outcome) {
            case "already" -> log.debug("schedule {}: occurrence {} was enqueued already", schedule.name(), due);
            case "started" -> log.info("schedule {} starts; its first occurrence after {} will run", schedule.name(),
                    due);
            case "skipped" -> log.info("schedule {}: occurrences up to {} were missed while no host ran it;"
                    + " catch-up skip enqueues none", schedule.name(), due);
            case "caught-up" -> log.info("schedule {}: occurrences up to {} were missed while no host ran it;"
                    + " catch-up once enqueued one run onto {}", schedule.name(), due, keys.queue());
            case "enqueued-skipping-missed" -> log.info("schedule {}: earlier occurrences were missed while no host"
                    + " ran it (catch-up skip); enqueued occurrence {} onto {}", schedule.name(), due, keys.queue());
            default -> log.debug("schedule {}: enqueued occurrence {} onto {}", schedule.name(), due, keys.queue());
        }
    }

    /** Says in the host queue's {@code schedules} hash which schedules this host runs, and their next occurrence. */
    private void announce(List<Schedule> schedules, Instant now) {
        String key = new QueueKeys(hostQueue).schedules();
        Set<String> current = new HashSet<>();
        for (Schedule schedule : schedules) {
            current.add(schedule.name());
            Long next = schedule.recurrence().after(now).map(Instant::toEpochMilli).orElse(null);
            String json;
            String content = schedule.source() + schedule.recurrence().describe() + next;
            Announced before = announced.get(schedule.name());
            if (before != null && before.json().equals(content) && before.at().plus(ANNOUNCE).isAfter(now)) {
                continue;
            }
            // Only now: the tick runs every second, and the listing is written again every 30 s at most.
            try {
                json = mapper.writeValueAsString(new Listing(schedule.name(), schedule.source(),
                        schedule.recurrence().describe(), schedule.queueOr(hostQueue), schedule.catchUp().text(),
                        mapper.writeValueAsString(schedule.payload()), next, hostId, now.toEpochMilli()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            redis.hset(key, schedule.name(), json);
            announced.put(schedule.name(), new Announced(content, now));
        }
        for (String gone : new HashSet<>(announced.keySet())) {
            if (!current.contains(gone)) {
                redis.hdel(key, gone);
                announced.remove(gone);
                settled.remove(gone);
                log.info("schedule {} is no longer in force on this host", gone);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
