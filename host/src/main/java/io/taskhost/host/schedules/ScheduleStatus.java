package io.taskhost.host.schedules;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * A schedule as {@code taskhost schedules} shows it: what the hosts of a queue said they run, and what it last
 * enqueued.
 *
 * @param last       the occurrence it last enqueued (epoch millis); null if none yet, even when occurrences
 *                   passed before it started or were skipped
 * @param enqueuedAt when that was, on the enqueuing host's clock; null if none yet
 * @param lastBy     the host that enqueued it
 * @param current    false when no host has said for a while that it runs the schedule: its jar or its host is gone
 */
public record ScheduleStatus(String name, String source, String recurrence, String queue, String catchUp,
                             String payload, Long next, String host, long seenAt, Long last, Long enqueuedAt,
                             String lastBy, boolean current) {

    /** A host says again every 30 seconds which schedules it runs; one that missed several is gone. */
    static final Duration CURRENT_FOR = Duration.ofMinutes(2);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The schedules the hosts of {@code keys}' queue run or ran, by name.
     *
     * @param now to tell current schedules from those no host announced lately
     */
    public static List<ScheduleStatus> read(UnifiedJedis redis, QueueKeys keys, Instant now) {
        List<ScheduleStatus> statuses = new ArrayList<>();
        for (Map.Entry<String, String> entry : redis.hgetAll(keys.schedules()).entrySet()) {
            Scheduler.Listing listing;
            QueueKeys target;
            try {
                listing = MAPPER.readValue(entry.getValue(), Scheduler.Listing.class);
                target = new QueueKeys(listing.queue());
            } catch (IOException | IllegalArgumentException e) {
                continue; // not written by taskhost: the listing is advisory, and a forged entry must not stop it
            }
            if (listing.name() == null || !listing.name().equals(entry.getKey())) {
                continue;
            }
            Map<String, String> state = redis.hgetAll(target.schedule(listing.name()));
            statuses.add(new ScheduleStatus(listing.name(), listing.source(), listing.recurrence(), listing.queue(),
                    listing.catchUp(), listing.payload(), listing.next(), listing.host(), listing.seenAt(),
                    number(state.get("lastRun")), number(state.get("enqueuedAt")), state.get("by"),
                    Instant.ofEpochMilli(listing.seenAt()).plus(CURRENT_FOR).isAfter(now)));
        }
        statuses.sort(Comparator.comparing(ScheduleStatus::name));
        return statuses;
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
