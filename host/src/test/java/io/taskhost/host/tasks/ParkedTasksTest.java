package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.plugins.TestRoutes;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks parked for a class no plugin provides yet, against a real Redis and without a host: they
 * wait without an outcome, go back to the queue when their class is provided and only then, and
 * are dead-lettered with their producer's payload when their wait is over.
 */
class ParkedTasksTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HOST = "parker";
    private static final Duration PARK_FOR = Duration.ofMinutes(10);
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final String queueKey = TestHosts.uniqueQueue();
    private final QueueKeys keys = new QueueKeys(queueKey);
    private QueueProbe queue;
    private OutcomeLog outcomes;

    @BeforeEach
    void connect() {
        queue = new QueueProbe(TestRedis.shared(), queueKey);
        outcomes = new OutcomeLog(queue.redis(), keys, 100, MAPPER);
    }

    @AfterEach
    void close() {
        queue.close();
    }

    private ParkedTasks at(Instant now) {
        var settings = new TaskSettings(queueKey, HOST, "TaskproModel", 1,
                new RunLimits(Duration.ofMinutes(1), 3, "256m", List.of(), 0, 1, true), Map.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1 << 20, 64, PARK_FOR, Duration.ofMinutes(1), 1);
        return new ParkedTasks(queue.redis(), keys, outcomes, settings, Clock.fixed(now, ZoneOffset.UTC));
    }

    /** Parks {@code payload} as the host does when it fetched it and found no plugin for {@code taskClass}. */
    private TaskEntry park(String id, String payload, String taskClass) {
        TaskEntry entry = TaskEntry.of(id, bytes(payload));
        String processing = keys.processing(HOST);
        queue.redis().lpush(bytes(processing), entry.entry());
        long until = ParkedTasks.until(Clock.fixed(NOW, ZoneOffset.UTC), PARK_FOR);
        assertTrue(outcomes.record(processing, entry.entry(), null,
                ParkedTasks.park(id, entry.payload(), taskClass, until)));
        return entry;
    }

    private long parked() {
        return queue.redis().zcard(keys.parked());
    }

    private long parkedFor(String taskClass) {
        return queue.redis().zcard(keys.parkedFor(taskClass));
    }

    private List<String> queuedOldestFirst() {
        List<String> queued = new java.util.ArrayList<>(queue.redis().lrange(keys.queue(), 0, -1));
        java.util.Collections.reverse(queued);
        return queued;
    }

    @Test
    void aParkedTaskWaitsUnderItsClassWithoutAnOutcome() {
        park("0a000000-0000-4000-8000-000000000001", "{\"worker\":\"send\",\"class\":\"Mail\"}", "Mail");

        assertEquals(1, parked());
        assertEquals(1, parkedFor("Mail"));
        assertEquals(0, queue.redis().llen(keys.processing(HOST)));
        assertEquals(List.of(), queue.outcomes());
        assertEquals(Map.of("parked", "1"), queue.stats());
    }

    @Test
    void identicalTasksParkApartAndOnlyTheClassesNowProvidedGoBackOldestFirst() {
        String mail = "{\"worker\":\"send\",\"class\":\"Mail\"}";
        String report = "{\"worker\":\"build\",\"class\":\"Report\"}";
        park("0a000000-0000-4000-8000-000000000001", mail, "Mail");
        park("0a000000-0000-4000-8000-000000000002", report, "Report");
        park("0a000000-0000-4000-8000-000000000003", mail, "Mail");
        assertEquals(3, parked());

        at(NOW).release(TestRoutes.providing("Mail", "Other"));

        assertEquals(List.of(mail, mail), queuedOldestFirst());
        assertEquals(1, parked());
        assertEquals(0, parkedFor("Mail"));
        assertEquals(1, parkedFor("Report"));
        assertEquals(List.of(), queue.outcomes(), "releasing writes no outcome");
    }

    @Test
    void nothingIsReleasedWhileNoPluginProvidesItsClass() {
        park("0a000000-0000-4000-8000-000000000001", "{\"worker\":\"send\",\"class\":\"Mail\"}", "Mail");

        at(NOW).release(TestRoutes.providing());
        at(NOW).release(TestRoutes.providing("Report"));

        assertEquals(0, queue.queueLength());
        assertEquals(1, parked());
    }

    @Test
    void aTaskWhoseWaitIsOverIsDeadLetteredWithTheProducersPayload() {
        String id = "0a000000-0000-4000-8000-000000000001";
        String producer = "{\"worker\":\"send\",\"class\":\"Mail\"}";
        park(id, producer.substring(0, producer.length() - 1) + ",\"_taskhost\":{\"attempt\":2,\"history\":["
                + "{\"id\":\"a1\",\"attempt\":1,\"cause\":\"exception\",\"reason\":\"boom\",\"host\":\"h\",\"at\":1}]}}",
                "Mail");

        at(NOW.plus(PARK_FOR).minusMillis(1)).expire();
        assertEquals(1, parked(), "not before its wait is over");

        Instant later = NOW.plus(PARK_FOR);
        at(later).expire();

        assertEquals(0, parked());
        assertEquals(0, parkedFor("Mail"));
        List<String> records = queue.redis().lrange(keys.outcomes(), 0, -1);
        assertEquals(List.of("{\"id\":\"" + id + "\",\"status\":\"failed\",\"cause\":\"unknown_class\",\"reason\":\"no"
                + " plugin provided class \\\"Mail\\\" within PT10M; drop a jar that provides it into plugins-dir, then"
                + " retry the dead letter; not retried: a retry cannot fix unknown_class\",\"disposition\":"
                + "\"dead_lettered\",\"queue\":\"" + queueKey + "\",\"host\":\"parker\",\"class\":\"Mail\",\"worker\":"
                + "\"send\",\"attempt\":2,\"history\":[{\"id\":\"a1\",\"attempt\":1,\"cause\":\"exception\",\"reason\":"
                + "\"boom\",\"host\":\"h\",\"at\":1}],\"finishedAt\":" + later.toEpochMilli() + "}"), records);
        assertEquals(List.of(id), queue.deadIds());
        assertArrayEquals(bytes(producer), queue.deadPayload(id));
        assertEquals(Map.of("parked", "1", "processed", "1", "failed", "1", "dead", "1"), queue.stats());

        at(later).release(TestRoutes.providing("Mail"));
        assertEquals(0, queue.queueLength(), "a dead-lettered task is not released as well");
    }

    @Test
    void expiringSaysHowLongUntilTheEarliestParkedTasksWaitIsOver() {
        park("0a000000-0000-4000-8000-000000000011", "{\"worker\":\"send\",\"class\":\"Mail\"}", "Mail");

        Duration pause = at(NOW.plus(PARK_FOR).minusSeconds(3)).expire();

        assertEquals(Duration.ofSeconds(3), pause);
        assertEquals(1, parked());
    }

    @Test
    void withNothingParkedSoonExpiringLooksAgainAfterItsLongestPauseNoLaterThanAParkedTasksWait() {
        assertEquals(ParkedTasks.LONGEST_PAUSE, at(NOW).expire(), "nothing parked");
        assertTrue(ParkedTasks.LONGEST_PAUSE.compareTo(PARK_FOR) < 0);

        park("0a000000-0000-4000-8000-000000000012", "{\"worker\":\"send\",\"class\":\"Mail\"}", "Mail");

        assertEquals(ParkedTasks.LONGEST_PAUSE, at(NOW).expire(), "the parked task's wait is over in ten minutes");
    }

    @Test
    void aHostThatParksForLessThanTheLongestPauseLooksAtLeastThatOftenSoItsOwnParkedTasksAreNeverLate() {
        var settings = new TaskSettings(queueKey, HOST, "TaskproModel", 1,
                new RunLimits(Duration.ofMinutes(1), 3, "256m", List.of(), 0, 1, true), Map.of(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1 << 20, 64, Duration.ofSeconds(5), Duration.ofMinutes(1), 1);
        var parkingBriefly = new ParkedTasks(queue.redis(), keys, outcomes, settings, Clock.fixed(NOW, ZoneOffset.UTC));

        assertEquals(Duration.ofSeconds(5), parkingBriefly.expire());
    }

    @Test
    void aParkedPayloadThatNoLongerParsesIsStillDeadLetteredWhenItsWaitIsOver() {
        String id = "0a000000-0000-4000-8000-000000000001";
        byte[] payload = {'{', (byte) 0xff, '}'};
        queue.redis().zadd(bytes(keys.parked()), NOW.toEpochMilli(), TaskEntry.of(id, payload).entry());

        Instant later = NOW.plusMillis(1);
        at(later).expire();

        assertEquals(List.of("{\"id\":\"" + id + "\",\"status\":\"failed\",\"cause\":\"unknown_class\",\"reason\":\"no"
                + " plugin provided class \\\"null\\\" within PT10M; drop a jar that provides it into plugins-dir, then"
                + " retry the dead letter; not retried: a retry cannot fix unknown_class\",\"disposition\":"
                + "\"dead_lettered\",\"queue\":\"" + queueKey + "\",\"host\":\"parker\",\"attempt\":1,\"finishedAt\":"
                + later.toEpochMilli() + "}"), queue.redis().lrange(keys.outcomes(), 0, -1));
        assertArrayEquals(payload, queue.deadPayload(id));
        assertEquals(0, parked());
    }

    @Test
    void anIndexedTaskThatIsNoLongerParkedIsDroppedNotReleased() {
        TaskEntry entry = park("0a000000-0000-4000-8000-000000000001", "{\"worker\":\"send\",\"class\":\"Mail\"}",
                "Mail");
        queue.redis().zrem(bytes(keys.parked()), entry.entry());

        at(NOW).release(TestRoutes.providing("Mail"));

        assertEquals(0, queue.queueLength());
        assertEquals(0, parkedFor("Mail"));
    }

    @Test
    void tasksAnEarlierVersionParkedWithoutAnIndexAreIndexedOnceAndThenReleased() {
        String mail = "{\"worker\":\"send\",\"class\":\"Mail\"}";
        long until = NOW.plus(PARK_FOR).toEpochMilli();
        queue.redis().zadd(bytes(keys.parked()), until,
                TaskEntry.of("0a000000-0000-4000-8000-000000000001", bytes(mail)).entry());
        queue.redis().zadd(bytes(keys.parked()), until,
                TaskEntry.of("0a000000-0000-4000-8000-000000000002", bytes("not json")).entry());

        at(NOW).indexEarlierVersionsTasks();

        assertTrue(queue.redis().exists(keys.parkedIndexed()));
        assertEquals(1, parkedFor("Mail"));
        assertEquals(until, queue.redis().zscore(keys.parkedFor("Mail"),
                "0a000000-0000-4000-8000-000000000001:" + mail).longValue(), "the index keeps the give-up time");

        queue.redis().zadd(bytes(keys.parked()), until,
                TaskEntry.of("0a000000-0000-4000-8000-000000000003", bytes("{\"worker\":\"x\",\"class\":\"Late\"}"))
                        .entry());
        at(NOW).indexEarlierVersionsTasks();
        assertFalse(queue.redis().exists(keys.parkedFor("Late")), "indexed once per queue, not on every run");

        at(NOW).release(TestRoutes.providing("Mail"));
        assertEquals(List.of(mail), queuedOldestFirst());
        assertEquals(2, parked());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
