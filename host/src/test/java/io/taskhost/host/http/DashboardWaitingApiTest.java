package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.AbstractPipeline;

/**
 * The dashboard's API for what waits: retries, delayed tasks, parked tasks and schedules, against
 * a real host and worker JVMs. Everything waits far in the future, so only the dashboard moves it.
 */
class DashboardWaitingApiTest {

    private static final long YEAR_3000_MILLIS = Instant.parse("3000-01-01T00:00:00Z").toEpochMilli();

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
    void nothingLeftWaiting() {
        queue.redis().del(queue.keys().delayed(), queue.keys().retries(), queue.keys().parked(),
                queue.keys().parkedFor("Missing"), queue.keys().schedules());
    }

    @Test
    void delayedTasksAreReadAPageAtATimeFromAHundredThousand() {
        byte[] key = queue.keys().delayed().getBytes(StandardCharsets.UTF_8);
        for (int batch = 0; batch < 100; batch++) {
            try (AbstractPipeline pipeline = queue.redis().pipelined()) {
                for (int i = batch * 1000; i < (batch + 1) * 1000; i++) {
                    pipeline.zadd(key, YEAR_3000_MILLIS / 1000.0 + i,
                            ("{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":{\"n\":" + i + "}}")
                                    .getBytes(StandardCharsets.UTF_8));
                }
                pipeline.sync();
            }
        }

        JsonNode first = http.get("/api/delayed?limit=50").json();
        assertEquals(100_000, first.path("total").asLong());
        assertEquals(50, first.path("tasks").size());
        assertEquals(50, first.path("nextOffset").asLong());
        assertEquals("Fixtures.noop", first.path("tasks").get(0).path("task").asText());
        assertTrue(first.path("tasks").get(0).path("payload").asText().contains("\"n\":0}"), "due first first");
        assertEquals(YEAR_3000_MILLIS, first.path("tasks").get(0).path("dueMillis").asLong());

        JsonNode capped = http.get("/api/delayed?limit=100000").json();
        assertEquals(DashboardData.MAX_PAGE, capped.path("tasks").size(), "a page holds at most 100");

        JsonNode last = http.get("/api/delayed?offset=99990&limit=50").json();
        assertEquals(10, last.path("tasks").size());
        assertEquals(-1, last.path("nextOffset").asLong());
        assertTrue(last.path("tasks").get(9).path("payload").asText().contains("\"n\":99999}"));
    }

    @Test
    void aDelayedTaskRunNowRunsOnTheHostAndOnlyOnce() {
        byte[] payload = "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"marker\":\"delayed-run-now\"}}"
                .getBytes(StandardCharsets.UTF_8);
        new DelayedTasks(queue.redis(), queue.keys()).delay(payload, Instant.ofEpochMilli(YEAR_3000_MILLIS));
        String id = http.get("/api/delayed").json().path("tasks").get(0).path("id").asText();
        assertEquals(DelayedTasks.idOf(payload), id);

        JsonNode reply = http.post("/api/delayed/run-now", http.withCsrf(Map.of("id", id))).json();

        assertEquals(1, reply.path("ran").asInt());
        JsonNode outcome = Eventually.value(QueueProbe.DEADLINE, "the delayed task's outcome", () -> queue.outcomes()
                .stream().filter(record -> record.path("result").path("marker").asText().equals("delayed-run-now"))
                .findFirst().orElse(null));
        assertEquals("passed", outcome.path("status").asText());
        assertEquals(0, queue.redis().zcard(queue.keys().delayed()));
        assertEquals(0, http.post("/api/delayed/run-now", http.withCsrf(Map.of("id", id))).json().path("ran").asInt());
    }

    @Test
    void aDelayedTaskDeletedIsGoneAndNeverRuns() {
        byte[] payload = "{\"worker\":\"noop\",\"class\":\"Fixtures\"}".getBytes(StandardCharsets.UTF_8);
        new DelayedTasks(queue.redis(), queue.keys()).delay(payload, Instant.ofEpochMilli(YEAR_3000_MILLIS));

        JsonNode reply = http.post("/api/delayed/delete", http.withCsrf(Map.of("id", DelayedTasks.idOf(payload))))
                .json();

        assertEquals(1, reply.path("deleted").asInt());
        assertEquals(0, queue.redis().zcard(queue.keys().delayed()));
        assertEquals(0, queue.queueLength());
    }

    @Test
    void aRetryIsListedWithItsAttemptAndDeletedIsGone() {
        byte[] retry = ("{\"worker\":\"noop\",\"class\":\"Fixtures\",\"_taskhost\":{\"attempt\":3,\"history\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        queue.redis().zadd(queue.keys().retries().getBytes(StandardCharsets.UTF_8), YEAR_3000_MILLIS, retry);

        JsonNode page = http.get("/api/retries").json();
        assertEquals(1, page.path("total").asLong());
        JsonNode listed = page.path("tasks").get(0);
        assertEquals(YEAR_3000_MILLIS, listed.path("dueMillis").asLong());
        assertEquals("Fixtures.noop", listed.path("task").asText());

        JsonNode reply = http.post("/api/retries/delete", http.withCsrf(Map.of("id", listed.path("id").asText())))
                .json();

        assertEquals(1, reply.path("deleted").asInt());
        assertEquals(0, queue.redis().zcard(queue.keys().retries()));
        assertEquals(0, http.get("/api/retries").json().path("tasks").size());
    }

    @Test
    void aRetryRunNowGoesToTheConsumingEndAndRuns() {
        byte[] retry = "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"marker\":\"retry-run-now\"}}"
                .getBytes(StandardCharsets.UTF_8);
        queue.redis().zadd(queue.keys().retries().getBytes(StandardCharsets.UTF_8), YEAR_3000_MILLIS, retry);

        JsonNode reply = http.post("/api/retries/run-now", http.withCsrf(Map.of("id", DelayedTasks.idOf(retry))))
                .json();

        assertEquals(1, reply.path("ran").asInt());
        JsonNode outcome = Eventually.value(QueueProbe.DEADLINE, "the retry's outcome", () -> queue.outcomes().stream()
                .filter(record -> record.path("result").path("marker").asText().equals("retry-run-now"))
                .findFirst().orElse(null));
        assertEquals("passed", outcome.path("status").asText());
        assertEquals(0, queue.redis().zcard(queue.keys().retries()));
    }

    @Test
    void parkedTasksShowTheirClassAndGiveUpTimeAPageAtATime() {
        for (int i = 0; i < 30; i++) {
            byte[] entry = TaskEntry.create(("{\"worker\":\"send\",\"class\":\"Missing\",\"params\":{\"n\":" + i + "}}")
                    .getBytes(StandardCharsets.UTF_8)).entry();
            queue.redis().zadd(queue.keys().parked().getBytes(StandardCharsets.UTF_8), YEAR_3000_MILLIS + i, entry);
            queue.redis().zadd(queue.keys().parkedFor("Missing").getBytes(StandardCharsets.UTF_8), YEAR_3000_MILLIS + i,
                    entry);
        }

        JsonNode page = http.get("/api/parked?limit=10&offset=10").json();
        assertEquals(30, page.path("total").asLong());
        assertEquals(10, page.path("tasks").size());
        assertEquals(20, page.path("nextOffset").asLong());
        JsonNode first = page.path("tasks").get(0);
        assertEquals("Missing", first.path("taskClass").asText());
        assertEquals("Missing.send", first.path("task").asText());
        assertEquals(YEAR_3000_MILLIS + 10, first.path("giveUpAtMillis").asLong());

        JsonNode ofClass = http.get("/api/parked?class=Missing&limit=100").json();
        assertEquals("Missing", ofClass.path("taskClass").asText());
        assertEquals(30, ofClass.path("tasks").size());
        assertEquals(0, http.get("/api/parked?class=Other").json().path("total").asLong());
    }

    @Test
    void aHostOfTwoQueuesShowsAndMovesEachQueuesOwnTasks() throws Exception {
        String first = TestHosts.uniqueQueue();
        String second = TestHosts.uniqueQueue();
        try (Host both = TestHosts.start(TestHosts.settings(TestRedis.shared(), first + "," + second,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache-both"), "--warm-spares", "0",
                "--http-port", Integer.toString(TestHosts.freePort())));
             var secondQueue = new QueueProbe(TestRedis.shared(), second)) {
            var client = new DashboardClient(both.httpAddress().orElseThrow());
            byte[] payload = "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":{\"q\":2}}"
                    .getBytes(StandardCharsets.UTF_8);
            new DelayedTasks(secondQueue.redis(), secondQueue.keys()).delay(payload,
                    Instant.ofEpochMilli(YEAR_3000_MILLIS));

            assertEquals(0, client.get("/api/delayed").json().path("total").asLong(), "the first queue by default");
            assertEquals(1, client.get("/api/delayed?queue=" + second).json().path("total").asLong());
            assertEquals(404, client.get("/api/delayed?queue=no-such-queue").status());
            String page = client.get("/delayed?queue=" + second).body();
            assertTrue(page.contains("href=\"/delayed?queue=" + first + "\""), page);
            assertEquals(0, client.post("/api/delayed/delete", client.withCsrf(Map.of("id",
                    DelayedTasks.idOf(payload)))).json().path("deleted").asInt(), "not in the first queue");
            assertEquals(1, client.post("/api/delayed/delete", client.withCsrf(Map.of("queue", second, "id",
                    DelayedTasks.idOf(payload)))).json().path("deleted").asInt());
            assertEquals(0, secondQueue.redis().zcard(secondQueue.keys().delayed()));
        }
    }

    @Test
    void forgedScoresAndMembersStillShow() {
        byte[] delayed = queue.keys().delayed().getBytes(StandardCharsets.UTF_8);
        queue.redis().zadd(delayed, Double.POSITIVE_INFINITY, new byte[] {'{', 0, (byte) 0xff, '<'});
        queue.redis().zadd(delayed, 1e300, "not json at all".getBytes(StandardCharsets.UTF_8));
        queue.redis().zadd(queue.keys().parked().getBytes(StandardCharsets.UTF_8), 1e300,
                "short".getBytes(StandardCharsets.UTF_8));

        for (String path : java.util.List.of("/delayed", "/api/delayed", "/parked", "/api/parked")) {
            DashboardClient.Reply reply = http.get(path);
            assertEquals(200, reply.status(), path + ": " + reply.body());
            assertTrue(!reply.body().contains("\u0000"), path);
        }
        assertEquals(2, http.get("/api/delayed").json().path("tasks").size(), "in Redis: " + queue.redis()
                .zrangeWithScores(queue.keys().delayed(), 0, -1) + ", queue " + queue.queueLength() + ", dead "
                + queue.deadIds().size());
        assertEquals(1, http.get("/api/parked").json().path("tasks").size());
    }

    @Test
    void schedulesShowWhatTheHostsAnnouncedAndWhatRanLast() {
        long now = System.currentTimeMillis();
        queue.redis().hset(queue.keys().schedules(), "nightly-report", "{\"name\":\"nightly-report\",\"source\":"
                + "\"reports-1.0.jar\",\"recurrence\":\"cron 0 3 * * *\",\"queue\":\"" + queueKey + "\",\"catchUp\":"
                + "\"latest\",\"payload\":\"{\\\"worker\\\":\\\"report\\\"}\",\"next\":" + YEAR_3000_MILLIS
                + ",\"host\":\"web-1\",\"seenAt\":" + now + "}");
        queue.redis().hset(queue.keys().schedule("nightly-report"), Map.of("lastRun", "1700000000000", "enqueuedAt",
                "1700000000123", "by", "web-1"));

        JsonNode schedules = http.get("/api/schedules").json().path("schedules");

        assertEquals(1, schedules.size());
        JsonNode schedule = schedules.get(0);
        assertEquals("nightly-report", schedule.path("name").asText());
        assertEquals("reports-1.0.jar", schedule.path("source").asText());
        assertEquals(1700000000000L, schedule.path("last").asLong());
        assertEquals(YEAR_3000_MILLIS, schedule.path("next").asLong());
        assertTrue(schedule.path("current").asBoolean());
        queue.redis().del(queue.keys().schedule("nightly-report"));
    }
}
