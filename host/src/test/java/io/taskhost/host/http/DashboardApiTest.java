package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's JSON API under {@code /api/}, endpoint by endpoint, against a real host and worker JVMs. */
class DashboardApiTest {

    @TempDir
    static Path temp;

    private static DashboardHost dashboard;
    private static String queueKey;
    private static Host host;
    private static QueueProbe queue;
    private static DashboardClient http;

    @BeforeAll
    static void startHost() {
        dashboard = DashboardHost.start(temp);
        queueKey = dashboard.queueKey;
        host = dashboard.host;
        queue = dashboard.queue;
        http = dashboard.http;
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @AfterEach
    void noDeadLettersLeft() {
        DeadLetterFixtures.clear(queue.redis(), queue.keys());
    }

    @Test
    void overviewCountsEachPlaceAndTheOutcomesOfEachMinuteInRedis() {
        queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
        queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\"}");

        JsonNode overview = Eventually.value(QueueProbe.DEADLINE, "both outcomes in the overview", () -> {
            JsonNode json = http.get("/api/overview").json();
            JsonNode first = json.path("queues").get(0);
            return first.path("dead").asLong() == 1 && first.path("inFlight").asLong() == 0
                    && first.path("waiting").asLong() == 0 && sum(first, "failed") >= 1 ? json : null;
        });

        assertEquals("host-" + queueKey, overview.path("host").asText());
        JsonNode counts = overview.path("queues").get(0);
        assertEquals(queueKey, counts.path("queue").asText());
        assertEquals(0, counts.path("waiting").asLong());
        assertEquals(0, counts.path("retrying").asLong());
        assertEquals(0, counts.path("parked").asLong());
        assertEquals(0, counts.path("inFlight").asLong());
        assertFalse(counts.path("paused").asBoolean());
        assertEquals(DashboardData.CHART_MINUTES, counts.path("minutes").size());
        assertTrue(sum(counts, "passed") >= 1, counts.toString());
        assertEquals(sum(counts, "passed") + sum(counts, "failed"), counts.path("counters").path("processed").asLong(),
                "every processed outcome is in its minute's counter: " + counts);
        String minuteKey = queue.keys().minute(counts.path("minutes").get(DashboardData.CHART_MINUTES - 1)
                .path("epochMinute").asLong());
        assertTrue(minuteKey.startsWith("{" + queueKey + "}:minutes:"), minuteKey);
    }

    @Test
    void overviewCountsTheDelayedTasksAndTheEarliestDue() {
        long due = java.time.Instant.now().getEpochSecond() + 3600;
        queue.redis().zadd(queue.keys().delayed(), due + 0.5, "{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
        queue.redis().zadd(queue.keys().delayed(), due + 60, "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"n\":2}");
        try {
            JsonNode counts = http.get("/api/overview").json().path("queues").get(0);
            assertEquals(2, counts.path("delayed").asLong(), counts.toString());
            assertEquals(due + 0.5, counts.path("delayedOldestDue").asDouble(), 0.001, counts.toString());

            String page = http.get("/").body();
            assertTrue(page.contains("<th>delayed</th>"), page);
        } finally {
            queue.redis().del(queue.keys().delayed());
        }
    }

    @Test
    void minuteCountersExpireADayLater() {
        queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
        JsonNode outcome = queue.awaitOutcome("noop");
        long minute = Math.floorDiv(outcome.path("finishedAt").asLong(), 60_000L);

        long ttl = queue.redis().ttl(queue.keys().minute(minute));

        assertTrue(ttl > 24 * 3600 && ttl <= 25 * 3600, "TTL " + ttl);
    }

    @Test
    void deadLettersAreReadAPageAtATimeFromAHundredThousand() {
        DeadLetterFixtures.writeMany(queue.redis(), queue.keys(), 100_000, 1000);

        JsonNode first = http.get("/api/dead?limit=50").json();
        assertEquals(100_000, first.path("total").asLong());
        assertEquals(50, first.path("letters").size(), first.toString().substring(0, Math.min(2000, first.toString().length())));
        assertEquals(50, first.path("scanned").asLong(), "only the page was read");
        assertEquals(50, first.path("nextOffset").asLong());
        assertEquals("letter-99999", first.path("letters").get(0).path("id").asText(), "newest first");
        assertEquals("Common.work", first.path("letters").get(1).path("task").asText());

        JsonNode capped = http.get("/api/dead?limit=100000").json();
        assertEquals(DashboardData.MAX_PAGE, capped.path("letters").size(), "a page holds at most 100");
        assertTrue(http.get("/api/dead?limit=100000").body().length() < 100_000, "a page's answer is small");

        JsonNode last = http.get("/api/dead?offset=99990&limit=50").json();
        assertEquals(10, last.path("letters").size());
        assertEquals(-1, last.path("nextOffset").asLong());
        assertEquals("letter-0", last.path("letters").get(9).path("id").asText());

        JsonNode rare = http.get("/api/dead?class=Rare&limit=5").json();
        assertEquals(5, rare.path("letters").size());
        rare.path("letters").forEach(letter -> assertEquals("Rare", letter.path("taskClass").asText()));
        assertEquals("letter-99000", rare.path("letters").get(0).path("id").asText());
        assertTrue(rare.path("scanned").asLong() <= 5 * 1000, "scanned " + rare.path("scanned"));

        JsonNode none = http.get("/api/dead?cause=timeout").json();
        assertEquals(0, none.path("letters").size());
        assertEquals(DashboardData.FILTER_WINDOW, none.path("scanned").asLong(), "a filter scans a bounded window");
        assertEquals(DashboardData.FILTER_WINDOW, none.path("nextOffset").asLong(), "and says where to go on");
    }

    @Test
    void aDeadLettersRecordAndPayloadAreShownAsStored() {
        String id = DeadLetterFixtures.write(queue.redis(), queue.keys(), "Mail", "send", "exception",
                "{\"worker\":\"send\",\"class\":\"Mail\",\"params\":{\"to\":\"<script>alert(1)</script>\"}}");

        JsonNode letter = http.get("/api/dead/letter?id=" + id).json();

        assertEquals(id, letter.path("id").asText());
        assertEquals("Mail.send", letter.path("task").asText());
        assertEquals("exception", letter.path("record").path("cause").asText());
        assertTrue(letter.path("payload").asText().contains("<script>alert(1)</script>"), letter.toString());
        assertEquals(404, http.get("/api/dead/letter?id=no-such-id").status());
        assertEquals(400, http.get("/api/dead/letter").status());
    }

    @Test
    void retryPushesTheOriginalPayloadBackAndARealWorkerRunsIt() {
        String id = DeadLetterFixtures.write(queue.redis(), queue.keys(), "Fixtures", "echo", "exception",
                "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"marker\":\"retried-by-api\"}}");

        JsonNode reply = http.post("/api/dead/retry", http.withCsrf(Map.of("id", id))).json();

        assertEquals(1, reply.path("retried").asInt());
        JsonNode outcome = queue.awaitOutcome("echo");
        assertEquals("passed", outcome.path("status").asText());
        assertEquals("retried-by-api", outcome.path("result").path("marker").asText());
        assertEquals(List.of(), queue.deadIds());
        assertEquals(0, http.post("/api/dead/retry", http.withCsrf(Map.of("id", id))).json().path("retried").asInt());
    }

    @Test
    void deleteRemovesOneAndTheMatchingOnesGoTogether() {
        String keep = DeadLetterFixtures.write(queue.redis(), queue.keys(), "Keep", "it", "exception", "{}");
        String one = DeadLetterFixtures.write(queue.redis(), queue.keys(), "Gone", "one", "exception", "{}");
        DeadLetterFixtures.write(queue.redis(), queue.keys(), "Gone", "two", "timeout", "{}");
        DeadLetterFixtures.write(queue.redis(), queue.keys(), "Gone", "three", "timeout", "{}");

        assertEquals(1, http.post("/api/dead/delete", http.withCsrf(Map.of("id", one))).json().path("deleted").asInt());
        assertEquals(2, http.post("/api/dead/delete-matching",
                http.withCsrf(Map.of("class", "Gone", "cause", "timeout"))).json().path("deleted").asInt());

        assertEquals(List.of(keep), queue.deadIds());
        assertEquals(1, queue.redis().hlen(queue.keys().deadRecords()));
        assertEquals(1, queue.redis().hlen(queue.keys().deadPayloads()));
    }

    @Test
    void retryMatchingPushesOnlyTheMatchingOnes() {
        DeadLetterFixtures.write(queue.redis(), queue.keys(), "Other", "thing", "exception",
                "{\"worker\":\"thing\",\"class\":\"Other\"}");
        for (int i = 0; i < 3; i++) {
            DeadLetterFixtures.write(queue.redis(), queue.keys(), "Fixtures", "echo", "exception",
                    "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"n\":" + i + "}}");
        }

        JsonNode reply = http.post("/api/dead/retry-matching",
                http.withCsrf(Map.of("class", "Fixtures", "worker", "echo"))).json();

        assertEquals(3, reply.path("retried").asInt());
        assertEquals(3, queue.awaitOutcomes("echo", 3).size());
        assertEquals(1, queue.deadIds().size());
    }

    @Test
    void hostsArePausedAndResumedOneOrAll() {
        String self = "host-" + queueKey;
        JsonNode before = hostRow(http.get("/api/hosts").json(), self);
        assertTrue(before.path("alive").asBoolean());
        assertFalse(before.path("paused").asBoolean());
        assertTrue(before.path("plugins").toString().contains("fixtures@"), before.toString());

        assertEquals(self, http.post("/api/hosts/pause", http.withCsrf(Map.of("host", self))).json().path("paused")
                .asText());
        assertTrue(hostRow(http.get("/api/hosts").json(), self).path("paused").asBoolean());
        Eventually.within(QueueProbe.DEADLINE, "the host to notice its pause", host::isPaused);

        http.post("/api/hosts/resume", http.withCsrf(Map.of("host", self)));
        assertFalse(hostRow(http.get("/api/hosts").json(), self).path("paused").asBoolean());

        http.post("/api/hosts/pause", http.withCsrf(Map.of()));
        assertTrue(http.get("/api/hosts").json().path("queues").get(0).path("paused").asBoolean());
        http.post("/api/hosts/resume", http.withCsrf(Map.of()));
        assertFalse(http.get("/api/hosts").json().path("queues").get(0).path("paused").asBoolean());
        Eventually.within(QueueProbe.DEADLINE, "the host to notice its resume", () -> !host.isPaused());
    }

    @Test
    void inFlightShowsEachRunningTaskWithItsHost() {
        queue.push("{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":4000}}");

        JsonNode task = Eventually.value(QueueProbe.DEADLINE, "the sleeping task in flight", () -> {
            JsonNode tasks = http.get("/api/in-flight").json().path("tasks");
            return tasks.size() == 1 ? tasks.get(0) : null;
        });

        assertEquals("host-" + queueKey, task.path("host").asText());
        assertEquals("Fixtures.sleep", task.path("task").asText());
        assertEquals(1, task.path("attempt").asInt());
        assertEquals(36, task.path("entryId").asText().length());
        queue.awaitOutcome("sleep");
        assertEquals(0, http.get("/api/in-flight").json().path("tasks").size());
    }

    @Test
    void pluginsShowEachJarOfEachHost() {
        JsonNode hosts = http.get("/api/plugins").json().path("hosts");
        JsonNode self = null;
        for (JsonNode candidate : hosts) {
            if (candidate.path("host").asText().equals("host-" + queueKey)) {
                self = candidate;
            }
        }
        assertTrue(self != null, hosts.toString());
        JsonNode jar = self.path("snapshot").path("jars").get(0);
        assertEquals("fixtures", jar.path("id").asText());
        assertEquals("active", jar.path("status").asText());
        assertEquals(64, jar.path("sha256").asText().length());
        List<String> operations = new ArrayList<>();
        jar.path("classes").get(0).path("operations").forEach(operation -> operations.add(operation.asText()));
        assertTrue(operations.contains("echo"), operations.toString());
    }

    @Test
    void unknownEndpointsAndQueuesAre404AndBadNumbers400() {
        assertEquals(404, http.get("/api/nothing").status());
        assertEquals(404, http.get("/api/dead?queue=not-served").status());
        assertEquals(400, http.get("/api/dead?offset=abc").status());
        assertEquals(404, http.post("/api/nothing", http.withCsrf(Map.of())).status());
        assertEquals(404, http.post("/api/hosts/pause", http.withCsrf(Map.of("host", "no-such-host"))).status());
        assertFalse(queue.redis().exists(queue.keys().paused("no-such-host")), "no flag for a host that is not there");
    }

    private static long sum(JsonNode queueCounts, String field) {
        long sum = 0;
        for (JsonNode minute : queueCounts.path("minutes")) {
            sum += minute.path(field).asLong();
        }
        return sum;
    }

    private static JsonNode hostRow(JsonNode hosts, String id) {
        for (JsonNode row : hosts.path("queues").get(0).path("hosts")) {
            if (row.path("id").asText().equals(id)) {
                return row;
            }
        }
        throw new AssertionError("no host " + id + " in " + hosts);
    }
}
