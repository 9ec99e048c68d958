package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** enqueue --in and --at, delayed list, cancel and now, and status, against a real Redis. */
class DelayedCommandTest {

    @TempDir
    Path temp;

    private final String queueKey = TestHosts.uniqueQueue();
    private final QueueProbe queue = new QueueProbe(TestRedis.shared(), queueKey);

    private record Result(int code, String out, String err) {
    }

    @AfterEach
    void close() {
        queue.close();
    }

    private Result taskhost(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var commandLine = Main.commandLine(args);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--redis";
        all[args.length + 1] = TestRedis.shared().url();
        all[args.length + 2] = "--queue";
        all[args.length + 3] = queueKey;
        int code = commandLine.execute(all);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void enqueueInADurationAddsTheTaskToTheDelayedSetScoredByRedisTimePlusTheDuration() {
        double before = redisSeconds();
        Result delayed = taskhost("enqueue", "--class", "Fixtures", "--worker", "echo", "--in", "90m");
        double after = redisSeconds();

        assertEquals(0, delayed.code(), delayed.err());
        assertEquals(0, queue.queueLength(), "not queued yet");
        String payload = "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":[]}";
        Double score = queue.redis().zscore(queue.keys().delayed(), payload);
        assertTrue(score >= before + 5400 && score <= after + 5400, before + " <= " + score + " - 5400 <= " + after);
        assertTrue(delayed.out().contains(DelayedTasks.idOf(payload.getBytes(StandardCharsets.UTF_8))), delayed.out());
    }

    @Test
    void enqueueAtAnInstantOrALocalTimeWithItsZoneScoresTheTaskByThatInstant() {
        Result atInstant = taskhost("enqueue", "--worker", "a", "--at", "2030-01-02T03:04:05.25Z");
        assertEquals(0, atInstant.code(), atInstant.toString());
        assertEquals(0, taskhost("enqueue", "--worker", "b", "--at", "2030-01-02T04:04:05+01:00").code());
        Result atLocalTime = taskhost("enqueue", "--worker", "c", "--at", "2030-07-01T12:00[Europe/Paris]");
        assertEquals(0, atLocalTime.code(), atLocalTime.toString());

        assertEquals(Instant.parse("2030-01-02T03:04:05.25Z").getEpochSecond() + 0.25,
                queue.redis().zscore(queue.keys().delayed(), "{\"worker\":\"a\",\"params\":[]}"));
        assertEquals(Instant.parse("2030-01-02T03:04:05Z").getEpochSecond(),
                queue.redis().zscore(queue.keys().delayed(), "{\"worker\":\"b\",\"params\":[]}"));
        assertEquals(Instant.parse("2030-07-01T10:00:00Z").getEpochSecond(),
                queue.redis().zscore(queue.keys().delayed(), "{\"worker\":\"c\",\"params\":[]}"), "summer time in Paris");
    }

    @Test
    void enqueueRefusesATimeWithoutZoneAndBothInAndAt() {
        Result noZone = taskhost("enqueue", "--worker", "a", "--at", "2030-01-02T03:04:05");
        assertEquals(2, noZone.code());
        assertTrue(noZone.err().contains("not a time with a zone"), noZone.err());
        Result both = taskhost("enqueue", "--worker", "a", "--at", "2030-01-02T03:04:05Z", "--in", "5m");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--in or --at, not both"), both.err());
        assertEquals(0, queue.redis().zcard(queue.keys().delayed()));
    }

    @Test
    void enqueueDelaysOnlyWhenInOrAtIsTypedNotFromTheConfigFile() throws Exception {
        Path config = Files.writeString(temp.resolve("taskhost.properties"), "in=1h\nat=2030-01-02T03:04:05Z\n");

        Result queued = taskhost("enqueue", "--worker", "now", "--config", config.toString());

        assertEquals(0, queued.code(), queued.toString());
        assertEquals(1, queue.queueLength(), queued.out());
        assertEquals(0, queue.redis().zcard(queue.keys().delayed()));
    }

    @Test
    void delayedListShowsIdDueTimeAndTheEscapedPayloadEarliestFirst() throws Exception {
        String hostile = "{\"worker\":\"x\u001b[31m\",\"class\":\"A\nB\"}\u0000";
        queue.redis().zadd(queue.keys().delayed(), 1_900_000_000.5, hostile);
        queue.redis().zadd(queue.keys().delayed(), 1_800_000_000.125, "{\"worker\":\"first\"}");

        Result list = taskhost("delayed", "list");

        assertEquals(0, list.code(), list.err());
        List<String> lines = list.out().lines().toList();
        assertEquals(2, lines.size(), list.out());
        assertEquals(DelayedTasks.idOf("{\"worker\":\"first\"}".getBytes(StandardCharsets.UTF_8))
                + "  2027-01-15T08:00:00.125Z  {\"worker\":\"first\"}", lines.get(0));
        assertTrue(lines.get(1).startsWith(DelayedTasks.idOf(hostile.getBytes(StandardCharsets.UTF_8))
                + "  2030-03-17T17:46:40.500Z  "), lines.get(1));
        assertFalse(list.out().chars().anyMatch(c -> c < 0x20 && c != '\n'), "no control character printed: " + list.out());

        JsonNode json = new ObjectMapper().readTree(taskhost("delayed", "list", "--json", "--limit", "1").out());
        assertEquals(1, json.size());
        assertEquals(1_800_000_000.125, json.get(0).path("dueEpochSeconds").asDouble());
        assertEquals("{\"worker\":\"first\"}", json.get(0).path("payload").asText());
    }

    @Test
    void delayedCancelRemovesTheTaskForGood() {
        String payload = "{\"worker\":\"cancel me\"}";
        queue.redis().zadd(queue.keys().delayed(), 1_900_000_000, payload);
        queue.redis().zadd(queue.keys().delayed(), 1_900_000_001, "{\"worker\":\"keep me\"}");
        String id = DelayedTasks.idOf(payload.getBytes(StandardCharsets.UTF_8));

        Result cancelled = taskhost("delayed", "cancel", id);

        assertEquals(0, cancelled.code(), cancelled.err());
        assertEquals(List.of("{\"worker\":\"keep me\"}"), queue.redis().zrange(queue.keys().delayed(), 0, -1));
        assertEquals(0, queue.queueLength());
        Result again = taskhost("delayed", "cancel", id);
        assertEquals(1, again.code(), "already gone");
        assertTrue(again.err().contains("No delayed task " + id), again.err());
    }

    @Test
    void delayedNowPushesTheTaskOntoTheProducersEndAndRemovesIt() {
        String payload = "{\"worker\":\"now\"}";
        queue.push("{\"worker\":\"already waiting\"}");
        queue.redis().zadd(queue.keys().delayed(), 1_900_000_000, payload);

        Result now = taskhost("delayed", "now", DelayedTasks.idOf(payload.getBytes(StandardCharsets.UTF_8)));

        assertEquals(0, now.code(), now.err());
        assertEquals(List.of(payload, "{\"worker\":\"already waiting\"}"), queue.redis().lrange(queue.keys().queue(), 0, -1));
        assertEquals(0, queue.redis().zcard(queue.keys().delayed()));
        assertEquals(1, taskhost("delayed", "now", "0123456789ab").code(), "no such id");
    }

    @Test
    void statusShowsTheDelayedCountAndTheEarliestDue() throws Exception {
        queue.redis().zadd(queue.keys().delayed(), 1_900_000_000.5, "{\"worker\":\"later\"}");
        queue.redis().zadd(queue.keys().delayed(), 1_800_000_000.125, "{\"worker\":\"first\"}");

        Result status = taskhost("status");
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("2 delayed (the earliest due 2027-01-15T08:00:00.125Z)"), status.out());

        JsonNode json = new ObjectMapper().readTree(taskhost("status", "--json").out());
        assertEquals(2, json.path("delayed").asLong());
        assertEquals(1_800_000_000.125, json.path("delayedOldestDue").asDouble());
    }

    private double redisSeconds() {
        List<?> time = (List<?>) queue.redis().eval("return redis.call('TIME')", List.of(queue.keys().delayed()),
                List.of());
        return Long.parseLong(String.valueOf(time.get(0))) + Long.parseLong(String.valueOf(time.get(1))) / 1e6;
    }
}
