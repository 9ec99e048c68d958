package io.taskhost.host.liveness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.payload.PayloadParser;
import io.taskhost.host.payload.TaskEnvelope;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.retries.FailureDisposer;
import io.taskhost.host.retries.RetryPolicy;
import io.taskhost.host.testing.OutcomeJson;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lost host's processing list, recovered by another host or by its own restart, against a real
 * Redis and without a host: every entry, however broken, ends either back on the queue or in the
 * dead letters, with an outcome record that says why.
 */
class TaskRecoveryTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 5;
    private static final int POISON_DEATHS = 3;
    private static final String LOST = "lost-host";
    private static final String SURVIVOR = "survivor";

    private final String queueKey = TestHosts.uniqueQueue();
    private final QueueKeys keys = new QueueKeys(queueKey);
    private QueueProbe queue;

    @BeforeEach
    void connect() {
        queue = new QueueProbe(TestRedis.shared(), queueKey);
    }

    @AfterEach
    void close() {
        queue.close();
    }

    private TaskRecovery recoveryBy(String hostId) {
        var outcomes = new OutcomeLog(queue.redis(), keys, 100, MAPPER);
        var disposer = new FailureDisposer(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), POISON_DEATHS),
                MAPPER, Clock.systemUTC(), () -> 0.5, 1 << 20);
        return new TaskRecovery(queue.redis(), keys, outcomes, disposer, new PayloadParser("TaskproModel", 1 << 20, 64),
                hostId, MAX_ATTEMPTS);
    }

    /** Puts {@code entries} in the lost host's processing list as a fetch does: the newest at the head. */
    private void inFlightOnLostHost(byte[]... entries) {
        for (byte[] entry : entries) {
            queue.redis().lpush(bytes(keys.processing(LOST)), entry);
        }
    }

    private List<String> outcomes() {
        List<String> newestFirst = new ArrayList<>(queue.redis().lrange(keys.outcomes(), 0, -1));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private byte[] consumingEnd() {
        return queue.redis().lindex(bytes(keys.queue()), -1);
    }

    @Test
    void aLostHostsTaskGoesBackToTheConsumingEndOfTheQueueWithItsAttemptRaised() {
        String id = "0b7e6b2a-1d1c-4a53-9d0e-6f0b7a1c2d3e";
        byte[] payload = bytes("{\"worker\":\"send\",\"class\":\"Mail\",\"params\":{\"to\":\"a@b\"}}");
        queue.push("{\"worker\":\"queued_earlier\"}");
        inFlightOnLostHost(TaskEntry.of(id, payload).entry());

        assertEquals(1, recoveryBy(SURVIVOR).recover(LOST));

        assertEquals(0, queue.redis().llen(keys.processing(LOST)));
        List<String> records = outcomes();
        assertEquals(1, records.size());
        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"host_lost\",\"reason\":\"host lost-host stopped"
                + " renewing its heartbeat while the task was running; recovered by survivor\",\"disposition\":"
                + "\"requeued\",\"queue\":\"*\",\"host\":\"*\",\"class\":\"Mail\",\"worker\":\"send\",\"attempt\":1,"
                + "\"finishedAt\":\"*\"}", OutcomeJson.masked(records.get(0)));
        JsonNode record = parse(records.get(0));
        assertEquals(id, record.path("id").asText());
        assertEquals(SURVIVOR, record.path("host").asText());
        assertEquals(queueKey, record.path("queue").asText());

        TaskEnvelope next = TaskEnvelope.read(consumingEnd(), MAPPER);
        assertEquals(2, next.attempt());
        assertArrayEquals(payload, next.original());
        assertEquals("host_lost", next.history().get(0).cause());
        assertEquals(id, next.history().get(0).id());
        assertEquals(2, queue.queueLength(), "the task queued earlier is still there");
        assertEquals(Map.of("processed", "1", "failed", "1", "retried", "1"), queue.stats());
    }

    @Test
    void aHostThatRestartsRecoversItsOwnTasksAndSaysSo() {
        inFlightOnLostHost(TaskEntry.create(bytes("{\"worker\":\"send\",\"class\":\"Mail\"}")).entry());

        assertEquals(1, recoveryBy(LOST).recover(LOST));

        assertEquals("host lost-host stopped while the task was running; it was recovered when the host restarted",
                parse(outcomes().get(0)).path("reason").asText());
    }

    @Test
    void aPayloadThatIsNotATaskIsDeadLetteredRatherThanRequeued() {
        String id = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
        byte[] payload = bytes("{\"class\":\"Mail\",\"params\":[]}");
        inFlightOnLostHost(TaskEntry.of(id, payload).entry());

        assertEquals(1, recoveryBy(SURVIVOR).recover(LOST));

        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"bad_payload\",\"reason\":\"payload no \\\"worker\\\""
                + " field: the operation to run is missing (found in the processing list of lost-host, host lost-host"
                + " stopped renewing its heartbeat while the task was running; recovered by survivor); not retried: a"
                + " retry cannot fix bad_payload\",\"disposition\":\"dead_lettered\",\"queue\":\"*\",\"host\":\"*\","
                + "\"attempt\":1,\"finishedAt\":\"*\"}", OutcomeJson.masked(outcomes().get(0)));
        assertEquals(List.of(id), queue.deadIds());
        assertArrayEquals(payload, queue.deadPayload(id));
        assertEquals(0, queue.queueLength());
        assertEquals(Map.of("processed", "1", "failed", "1", "dead", "1"), queue.stats());
    }

    @Test
    void aPayloadThatIsNotUtf8IsDeadLetteredWithItsExactBytes() {
        String id = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a";
        byte[] payload = {'{', '"', 'w', 'o', 'r', 'k', 'e', 'r', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        inFlightOnLostHost(TaskEntry.of(id, payload).entry());

        assertEquals(1, recoveryBy(SURVIVOR).recover(LOST));

        JsonNode record = parse(outcomes().get(0));
        assertEquals("bad_payload", record.path("cause").asText());
        assertEquals("dead_lettered", record.path("disposition").asText());
        assertArrayEquals(payload, queue.deadPayload(id));
        assertEquals(0, queue.queueLength());
    }

    @Test
    void aBarePayloadThatAnEarlierVersionLeftIsRecoveredUnderAnIdOfItsOwn() {
        byte[] payload = bytes("{\"worker\":\"send\",\"class\":\"Mail\"}");
        inFlightOnLostHost(payload);

        assertEquals(1, recoveryBy(SURVIVOR).recover(LOST));

        JsonNode record = parse(outcomes().get(0));
        assertEquals("host_lost", record.path("cause").asText());
        assertEquals("requeued", record.path("disposition").asText());
        assertTrue(record.path("id").asText().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                record.toString());
        assertArrayEquals(payload, TaskEnvelope.read(consumingEnd(), MAPPER).original());
        assertEquals(0, queue.redis().llen(keys.processing(LOST)));
    }

    @Test
    void aTaskThatHasUsedUpItsAttemptsIsDeadLetteredWithTheProducersPayload() {
        String id = "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b";
        String producer = "{\"worker\":\"send\",\"class\":\"Mail\"}";
        String history = "[" + past(1, "exception") + "," + past(2, "exception") + "," + past(3, "exception") + ","
                + past(4, "exception") + "]";
        inFlightOnLostHost(TaskEntry.of(id, bytes(producer.substring(0, producer.length() - 1)
                + ",\"_taskhost\":{\"attempt\":5,\"history\":" + history + "}}")).entry());

        assertEquals(1, recoveryBy(SURVIVOR).recover(LOST));

        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"host_lost\",\"reason\":\"host lost-host stopped"
                + " renewing its heartbeat while the task was running; recovered by survivor; gave up after 5 attempts\","
                + "\"disposition\":\"dead_lettered\",\"queue\":\"*\",\"host\":\"*\",\"class\":\"Mail\",\"worker\":"
                + "\"send\",\"attempt\":5,\"history\":[{\"id\":\"*\",\"attempt\":1,\"cause\":\"exception\",\"reason\":"
                + "\"boom 1\",\"host\":\"*\",\"at\":\"*\"},{\"id\":\"*\",\"attempt\":2,\"cause\":\"exception\","
                + "\"reason\":\"boom 2\",\"host\":\"*\",\"at\":\"*\"},{\"id\":\"*\",\"attempt\":3,\"cause\":"
                + "\"exception\",\"reason\":\"boom 3\",\"host\":\"*\",\"at\":\"*\"},{\"id\":\"*\",\"attempt\":4,"
                + "\"cause\":\"exception\",\"reason\":\"boom 4\",\"host\":\"*\",\"at\":\"*\"}],\"finishedAt\":\"*\"}",
                OutcomeJson.masked(outcomes().get(0)));
        assertEquals(producer, new String(queue.deadPayload(id), StandardCharsets.UTF_8));
        assertEquals(0, queue.queueLength());
    }

    @Test
    void aTaskWhoseRunsKeepDyingIsQuarantinedAsPoisonWithAttemptsLeft() {
        String id = "4f5a6b7c-8d9e-4f0a-9b1c-3d4e5f6a7b8c";
        inFlightOnLostHost(TaskEntry.of(id, bytes("{\"worker\":\"send\",\"class\":\"Mail\",\"_taskhost\":{\"attempt\":3,"
                + "\"history\":[" + past(1, "worker_killed") + "," + past(2, "timeout") + "]}}")).entry());

        assertEquals(1, recoveryBy(SURVIVOR).recover(LOST));

        assertEquals("{\"id\":\"*\",\"status\":\"failed\",\"cause\":\"host_lost\",\"reason\":\"host lost-host stopped"
                + " renewing its heartbeat while the task was running; recovered by survivor; quarantined as poison:"
                + " its runs died 3 times\",\"disposition\":\"dead_lettered\",\"quarantined\":true,\"queue\":\"*\","
                + "\"host\":\"*\",\"class\":\"Mail\",\"worker\":\"send\",\"attempt\":3,\"history\":[{\"id\":\"*\","
                + "\"attempt\":1,\"cause\":\"worker_killed\",\"reason\":\"boom 1\",\"host\":\"*\",\"at\":\"*\"},"
                + "{\"id\":\"*\",\"attempt\":2,\"cause\":\"timeout\",\"reason\":\"boom 2\",\"host\":\"*\",\"at\":"
                + "\"*\"}],\"finishedAt\":\"*\"}", OutcomeJson.masked(outcomes().get(0)));
        assertEquals(List.of(id), queue.deadIds());
        assertEquals("{\"worker\":\"send\",\"class\":\"Mail\"}", new String(queue.deadPayload(id), StandardCharsets.UTF_8));
    }

    @Test
    void aMixedListIsRecoveredWholeWhateverEachEntryHolds() {
        byte[] first = bytes("{\"worker\":\"first\",\"class\":\"Mail\"}");
        byte[] last = bytes("{\"worker\":\"last\",\"class\":\"Mail\"}");
        inFlightOnLostHost(TaskEntry.create(first).entry(), TaskEntry.create(bytes("not json")).entry(),
                TaskEntry.create(new byte[] {(byte) 0xc3, (byte) 0x28}).entry(), bytes("[1,2]"),
                TaskEntry.create(last).entry());

        assertEquals(5, recoveryBy(SURVIVOR).recover(LOST));

        assertEquals(0, queue.redis().llen(keys.processing(LOST)));
        assertEquals(List.of("host_lost", "bad_payload", "bad_payload", "bad_payload", "host_lost"),
                outcomes().stream().map(json -> parse(json).path("cause").asText()).toList());
        assertEquals(3, queue.deadIds().size());
        assertEquals(2, queue.queueLength());
        assertEquals(0, recoveryBy(SURVIVOR).recover(LOST), "nothing is left to recover twice");
    }

    private static String past(int attempt, String cause) {
        return "{\"id\":\"a" + attempt + "\",\"attempt\":" + attempt + ",\"cause\":\"" + cause + "\",\"reason\":\"boom "
                + attempt + "\",\"host\":\"h\",\"at\":" + attempt + "}";
    }

    private static JsonNode parse(String json) {
        return parse(bytes(json));
    }

    private static JsonNode parse(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
