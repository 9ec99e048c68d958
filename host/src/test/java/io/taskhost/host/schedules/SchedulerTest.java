package io.taskhost.host.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.testing.ManualClock;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Schedulers against a real Redis, each with a clock the test moves: what is enqueued, and how often. */
class SchedulerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TestRedis redis = TestRedis.shared();
    private final String queue = TestHosts.uniqueQueue();

    private Scheduler scheduler(String host, Clock clock, Schedule... schedules) {
        return new Scheduler(redis.client(), queue, host, List.of(schedules), RoutingTable::empty, clock, MAPPER);
    }

    private static Schedule schedule(String every, String catchUp) {
        return Schedule.configured("report", Map.of("every", every, "catch-up", catchUp,
                "payload", "{\"worker\":\"report\",\"class\":\"Reports\",\"params\":{\"kind\":\"hourly\"}}"));
    }

    /** What the schedulers pushed, oldest first, as the JSON of each payload. */
    private List<JsonNode> enqueued() {
        List<JsonNode> payloads = new ArrayList<>();
        for (String json : redis.client().lrange(new QueueKeys(queue).queue(), 0, -1)) {
            try {
                payloads.add(0, MAPPER.readTree(json));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return payloads;
    }

    /** A clock {@code offset} ahead of (or behind) {@code base}. */
    private static Clock skewed(ManualClock base, Duration offset) {
        return new Clock() {
            @Override
            public Instant instant() {
                return base.instant().plus(offset);
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void schedulersWhoseClocksAreHundredsOfMillisecondsApartEnqueueEachOccurrenceOnce() {
        var now = new ManualClock(Instant.parse("2026-12-02T10:00:00.050Z"));
        List<Scheduler> hosts = List.of(
                scheduler("behind", skewed(now, Duration.ofMillis(-350)), schedule("1s", "once")),
                scheduler("on-time", now, schedule("1s", "once")),
                scheduler("ahead", skewed(now, Duration.ofMillis(420)), schedule("1s", "once")));
        for (int step = 0; step < 300; step++) {
            // Every order of the three hosts, again and again: whichever ticks first may enqueue.
            for (int i = 0; i < hosts.size(); i++) {
                hosts.get((step + i * (step % 2 == 0 ? 1 : 2)) % hosts.size()).tick();
            }
            now.advance(Duration.ofMillis(70));
        }
        Map<String, Integer> perOccurrence = new TreeMap<>();
        for (JsonNode payload : enqueued()) {
            perOccurrence.merge(payload.path("_schedule").path("occurrence").asText(), 1, Integer::sum);
            assertFalse(payload.path("_schedule").has("catchUp"), "no occurrence was missed: " + payload);
        }
        assertTrue(perOccurrence.size() >= 20, "occurrences enqueued: " + perOccurrence);
        perOccurrence.forEach((occurrence, count) -> assertEquals(1, count, "enqueues of occurrence " + occurrence));
        List<Instant> occurrences = perOccurrence.keySet().stream().map(Instant::parse).toList();
        for (int i = 1; i < occurrences.size(); i++) {
            assertEquals(occurrences.get(i - 1).plusSeconds(1), occurrences.get(i), "no occurrence is left out");
        }
    }

    @Test
    void theEnqueuedPayloadIsTheSchedulesWithWhichOccurrenceItIs() {
        var now = new ManualClock(Instant.parse("2026-12-02T10:00:00.200Z"));
        scheduler("host-1", now, schedule("1m", "once")).tick();
        JsonNode payload = enqueued().get(0);
        assertEquals("report", payload.path("worker").asText());
        assertEquals("Reports", payload.path("class").asText());
        assertEquals("hourly", payload.path("params").path("kind").asText());
        assertEquals("report", payload.path("_schedule").path("name").asText());
        assertEquals("2026-12-02T10:00:00Z", payload.path("_schedule").path("occurrence").asText());
    }

    @Test
    void catchUpOnceEnqueuesOneRunForAllTheOccurrencesMissedWhileNoHostRan() {
        var now = new ManualClock(Instant.parse("2026-12-02T10:00:05Z"));
        scheduler("host-1", now, schedule("1h", "once")).tick();
        assertEquals(1, enqueued().size(), "the 10:00 occurrence");

        now.set(Instant.parse("2026-12-02T13:30:00Z")); // 11:00, 12:00 and 13:00 passed with no host running
        Scheduler restarted = scheduler("host-2", now, schedule("1h", "once"));
        restarted.tick();
        restarted.tick();
        List<JsonNode> payloads = enqueued();
        assertEquals(2, payloads.size(), "one catch-up run, not a burst: " + payloads);
        assertTrue(payloads.get(1).path("_schedule").path("catchUp").asBoolean(), payloads.get(1).toString());
        assertEquals("2026-12-02T13:00:00Z", payloads.get(1).path("_schedule").path("occurrence").asText());

        now.set(Instant.parse("2026-12-02T14:00:00.300Z"));
        restarted.tick();
        payloads = enqueued();
        assertEquals(3, payloads.size(), "then it resumes: " + payloads);
        assertFalse(payloads.get(2).path("_schedule").has("catchUp"));
    }

    @Test
    void catchUpSkipEnqueuesNothingForTheOccurrencesMissedWhileNoHostRan() {
        var now = new ManualClock(Instant.parse("2026-12-02T10:00:05Z"));
        scheduler("host-1", now, schedule("1h", "skip")).tick();
        assertEquals(1, enqueued().size(), "the 10:00 occurrence");

        now.set(Instant.parse("2026-12-02T13:30:00Z"));
        Scheduler restarted = scheduler("host-2", now, schedule("1h", "skip"));
        restarted.tick();
        assertEquals(1, enqueued().size(), "nothing for 11:00, 12:00 and 13:00");

        now.set(Instant.parse("2026-12-02T14:00:00.300Z"));
        restarted.tick();
        List<JsonNode> payloads = enqueued();
        assertEquals(2, payloads.size(), "then it resumes: " + payloads);
        assertEquals("2026-12-02T14:00:00Z", payloads.get(1).path("_schedule").path("occurrence").asText());
    }

    @Test
    void aScheduleNeverRunBeforeStartsFromNowWithoutCatchingUp() {
        var now = new ManualClock(Instant.parse("2026-12-02T10:40:00Z"));
        Scheduler first = scheduler("host-1", now, schedule("1h", "once"));
        first.tick();
        assertEquals(List.of(), enqueued(), "10:00 passed before the schedule existed");
        now.set(Instant.parse("2026-12-02T11:00:00.500Z"));
        first.tick();
        assertEquals(1, enqueued().size());
    }

    @Test
    void aHostWhoseClockIsBehindFindsTheOccurrenceEnqueuedAndEnqueuesNothingOlder() {
        var now = new ManualClock(Instant.parse("2026-12-02T10:00:02.100Z"));
        scheduler("ahead", now, schedule("2s", "once")).tick();
        var behind = new ManualClock(Instant.parse("2026-12-02T10:00:01.900Z"));
        Scheduler late = scheduler("behind", behind, schedule("2s", "once"));
        late.tick();
        behind.set(Instant.parse("2026-12-02T10:00:02.050Z"));
        late.tick();
        assertEquals(1, enqueued().size(), enqueued().toString());
    }

    @Test
    void aForgedStateInRedisNeitherStopsTheScheduleNorEnqueuesAnOccurrenceTwice() {
        var keys = new QueueKeys(queue);
        redis.client().hset(keys.schedule("report"), "last", "not a number\u001b[2J");
        var now = new ManualClock(Instant.parse("2026-12-02T10:00:00.200Z"));
        Scheduler first = scheduler("host-1", now, schedule("1m", "once"));
        Scheduler second = scheduler("host-2", now, schedule("1m", "once"));
        first.tick();
        second.tick();
        assertEquals(1, enqueued().size(), "a state that is no number counts as none: the schedule starts afresh");

        redis.client().hset(keys.schedules(), "forged", "{not json");
        redis.client().hset(keys.schedules(), "half", "{\"name\":\"half\"}");
        List<ScheduleStatus> listed = ScheduleStatus.read(redis.client(), keys, now.instant());
        assertEquals(List.of("report"), listed.stream().map(ScheduleStatus::name).toList(),
                "entries taskhost did not write are left out of the listing");
        assertEquals(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli(), listed.get(0).last());
        assertEquals("config file", listed.get(0).source());
        assertEquals(Instant.parse("2026-12-02T10:01:00Z").toEpochMilli(), listed.get(0).next());
    }
}
