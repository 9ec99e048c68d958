package io.taskhost.host.delayed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.HttpProbe;
import io.taskhost.host.testing.PrometheusText;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks delayed the way a PHP producer delays them, {@code ZADD {queue}:delayed microtime(true)+N payload},
 * run by real hosts in real worker JVMs.
 */
class DelayedTasksHostTest {

    @TempDir
    Path temp;

    private final Random random = new Random();

    @Test
    void phpDelayedTasksAddedInRandomOrderRunInDueOrderAndNeverEarly() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            double now = redisSeconds(queue);
            List<Double> dues = new ArrayList<>();
            while (dues.size() < 8) {
                double due = Math.round((now + 1 + random.nextDouble() * 4) * 10_000) / 10_000.0;
                if (!dues.contains(due)) {
                    dues.add(due);
                }
            }
            List<Integer> added = new ArrayList<>();
            for (int seq = 0; seq < dues.size(); seq++) {
                added.add(seq);
            }
            Collections.shuffle(added, random);
            for (int seq : added) {
                queue.redis().zadd(queue.keys().delayed(), dues.get(seq), echo(seq));
            }
            // One slot: tasks run one at a time, in the order they were taken.
            try (Host host = TestHosts.start(TestHosts.builder(TestRedis.shared(), queueKey,
                    TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache")).workers(1).build())) {
                List<JsonNode> outcomes = queue.awaitOutcomes("echo", dues.size());

                List<Integer> ranInOrder = new ArrayList<>();
                for (JsonNode outcome : outcomes) {
                    int seq = outcome.path("result").path("seq").asInt();
                    ranInOrder.add(seq);
                    long dueMillis = (long) Math.floor(dues.get(seq) * 1000);
                    assertTrue(outcome.path("fetchedAt").asLong() >= dueMillis,
                            "task " + seq + " was taken at " + outcome.path("fetchedAt") + ", before its due time "
                                    + dues.get(seq));
                }
                List<Integer> byDue = new ArrayList<>(ranInOrder);
                byDue.sort((a, b) -> Double.compare(dues.get(a), dues.get(b)));
                assertEquals(byDue, ranInOrder, "ran in due order");
                assertEquals(0, queue.redis().zcard(queue.keys().delayed()));
            }
        }
    }

    @Test
    void threeHostsRunEachDelayedTaskExactlyOnce() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        int count = 24;
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        List<Host> hosts = new ArrayList<>();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int i = 0; i < 3; i++) {
                hosts.add(TestHosts.start(TestHosts.builder(TestRedis.shared(), queueKey, plugins,
                        temp.resolve("cache-" + i)).hostId("host-" + i + "-" + queueKey).build()));
            }
            double now = redisSeconds(queue);
            for (int seq = 0; seq < count; seq++) {
                queue.redis().zadd(queue.keys().delayed(), now + 0.5 + random.nextDouble(), echo(seq));
            }

            Eventually.within(QueueProbe.DEADLINE, count + " tasks run and nothing left anywhere", () ->
                    queue.outcomes().size() >= count && queue.redis().zcard(queue.keys().delayed()) == 0
                            && queue.queueLength() == 0
                            && hosts.stream().allMatch(host -> host.inFlight() == 0));

            List<JsonNode> outcomes = queue.outcomes();
            assertEquals(count, outcomes.size(), "no task ran twice");
            Set<Integer> ran = new HashSet<>();
            outcomes.forEach(outcome -> ran.add(outcome.path("result").path("seq").asInt()));
            assertEquals(count, ran.size(), "every task ran: " + ran);
        } finally {
            for (Host host : hosts) {
                host.close();
            }
        }
    }

    @Test
    void hostileDelayedMembersAreDeadLetteredWithTheirOriginalBytesAndLaterTasksStillRun() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        List<byte[]> hostile = List.of(
                "{\"worker\":\"echo\",\"class\":\"Fixtures\"}\u0000\u001b[2J trailing".getBytes(StandardCharsets.UTF_8),
                "{\"worker\":\"echo\",\"class\":\"Fix\ntures\",\"params\":{}} }".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xff, (byte) 0xfe, 0, '\r', '\n'},
                hugeJson(300 * 1024));
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey);
             Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                     TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"),
                     "--max-payload-bytes", Integer.toString(64 * 1024)))) {
            double now = redisSeconds(queue);
            for (int i = 0; i < hostile.size(); i++) {
                queue.redis().zadd(bytes(queue.keys().delayed()), now + 0.2 + i / 100.0, hostile.get(i));
            }
            queue.redis().zadd(queue.keys().delayed(), now + 0.5, echo(1));

            assertEquals(1, queue.awaitOutcome("echo").path("result").path("seq").asInt(), "the host keeps going");
            Eventually.within(QueueProbe.DEADLINE, hostile.size() + " dead letters",
                    () -> queue.deadIds().size() == hostile.size());
            Map<String, byte[]> stored = new HashMap<>();
            for (String id : queue.deadIds()) {
                byte[] payload = queue.deadPayload(id);
                stored.put(new String(payload, StandardCharsets.ISO_8859_1), payload);
                assertEquals("bad_payload", queue.deadRecord(id).path("cause").asText(), queue.deadRecord(id).toString());
            }
            for (byte[] payload : hostile) {
                byte[] kept = stored.get(new String(payload, StandardCharsets.ISO_8859_1));
                assertArrayEquals(payload, kept, "dead-lettered byte for byte");
            }
        }
    }

    @Test
    void statusAndMetricsShowTheDelayedCountAndTheEarliestDue() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey);
             Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                     TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"),
                     "--http-port", Integer.toString(TestHosts.freePort())))) {
            double earliest = redisSeconds(queue) + 3600.25;
            queue.redis().zadd(queue.keys().delayed(), earliest + 60, echo(2));
            queue.redis().zadd(queue.keys().delayed(), earliest, echo(1));
            var http = new HttpProbe(host.httpAddress().orElseThrow());

            PrometheusText metrics = Eventually.value(QueueProbe.DEADLINE, "two delayed on /metrics", () -> {
                PrometheusText scraped = http.metrics();
                return scraped.value("taskhost_delayed_waiting", Map.of()) == 2 ? scraped : null;
            });
            assertEquals("gauge", metrics.family("taskhost_delayed_waiting").type());
            assertEquals(earliest, metrics.value("taskhost_delayed_oldest_due_seconds", Map.of()), 0.001);

            JsonNode sizes = http.get("/status").json().path("sizes");
            assertEquals(2, sizes.path("delayed").asLong(), sizes.toString());
            assertEquals(earliest, sizes.path("delayedOldestDue").asDouble(), 0.001, sizes.toString());
        }
    }

    private static String echo(int seq) {
        return "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"seq\":" + seq + "}}";
    }

    private static byte[] hugeJson(int size) {
        var text = new StringBuilder("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"pad\":\"");
        while (text.length() < size) {
            text.append("0123456789abcdef");
        }
        return text.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double redisSeconds(QueueProbe queue) {
        List<?> time = (List<?>) queue.redis().eval("return redis.call('TIME')", List.of(queue.keys().delayed()),
                List.of());
        return Long.parseLong(String.valueOf(time.get(0))) + Long.parseLong(String.valueOf(time.get(1))) / 1e6;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
