package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host that consumes several queues: which it takes from first, and that each task stays in its own queue's keys. */
class SeveralQueuesTest {

    private static final String NOOP = "{\"class\":\"Fixtures\",\"worker\":\"noop\"}";

    @TempDir
    Path temp;

    private HostSettings.Builder host(String queues, String hostId) {
        return TestHosts.builder(TestRedis.shared(), queues, TestHosts.pluginsDirWith(temp, "fixtures.jar"),
                        temp.resolve("cache"))
                .hostId(hostId)
                .tasksPerWorker(1000);
    }

    private static String sleep(int millis, String mark) {
        return "{\"class\":\"Fixtures\",\"worker\":\"sleep\",\"params\":{\"millis\":" + millis + ",\"mark\":\"" + mark
                + "\"}}";
    }

    @Test
    void tasksPushedOnTheFirstQueueWhileABacklogOfTheSecondRunsRunNext() throws Exception {
        String base = TestHosts.uniqueQueue();
        try (var urgent = new QueueProbe(TestRedis.shared(), base + "-urgent");
             var normal = new QueueProbe(TestRedis.shared(), base + "-normal")) {
            int backlog = 20;
            for (int i = 0; i < backlog; i++) {
                normal.push(sleep(50, "backlog-" + i));
            }
            try (Host ignored = TestHosts.start(host(base + "-urgent," + base + "-normal", "host-" + base).workers(1)
                    .build())) {
                normal.awaitOutcomes(1);
                urgent.redis().lpush(urgent.keys().queue(), NOOP, NOOP, NOOP);
                // Read after the push: with one slot, at most the one task in flight then may finish before them.
                int doneAtPush = normal.outcomes().size();
                List<JsonNode> urgentDone = urgent.awaitOutcomes(3);
                int doneWhenUrgentRan = normal.outcomes().size();

                assertTrue(doneWhenUrgentRan <= doneAtPush + 1, "the urgent tasks ran before the backlog's next: "
                        + doneAtPush + " backlog tasks done at the push, " + doneWhenUrgentRan + " when they had run");
                assertTrue(doneWhenUrgentRan < backlog, "the backlog was not over yet");
                for (JsonNode outcome : urgentDone) {
                    assertEquals(base + "-urgent", outcome.path("queue").asText());
                    assertEquals("passed", outcome.path("status").asText());
                }
                List<JsonNode> backlogDone = normal.awaitOutcomes(backlog);
                assertTrue(backlogDone.stream().allMatch(o -> (base + "-normal").equals(o.path("queue").asText())));
            }
        }
    }

    @Test
    void weightedQueuesBothProgressAndTheHeavierOneMore() throws Exception {
        String base = TestHosts.uniqueQueue();
        try (var heavy = new QueueProbe(TestRedis.shared(), base + "-a");
             var light = new QueueProbe(TestRedis.shared(), base + "-b")) {
            int backlog = 60;
            for (int i = 0; i < backlog; i++) {
                heavy.push(NOOP);
                light.push(NOOP);
            }
            try (Host ignored = TestHosts.start(host(base + "-a:5," + base + "-b:1", "host-" + base).workers(1)
                    .build())) {
                // A draw puts b first once in six fetches: it runs long before a's 60 are gone (unless 1 in 50,000).
                light.awaitOutcomes(1);
                assertTrue(heavy.queueLength() > 0, "b progressed while a still had a backlog");
                Eventually.within(QueueProbe.DEADLINE, "36 tasks done",
                        () -> heavy.outcomes().size() + light.outcomes().size() >= 36);
                int a = heavy.outcomes().size();
                int b = light.outcomes().size();
                assertTrue(a > 2 * b, "a, weighted 5 to 1, took far more: a " + a + ", b " + b);
            }
        }
    }

    @Test
    void aTaskOnlyOnTheLowestQueueOfAnIdleHostStillRuns() throws Exception {
        String base = TestHosts.uniqueQueue();
        try (var lowest = new QueueProbe(TestRedis.shared(), base + "-c");
             Host ignored = TestHosts.start(host(base + "-a," + base + "-b," + base + "-c", "host-" + base)
                     .fetchTimeout(Duration.ofSeconds(2)).build())) {
            lowest.push(NOOP);
            assertEquals("passed", lowest.awaitOutcome("noop").path("status").asText());
        }
    }

    @Test
    void aFailingTaskIsRecordedRetriedAndDeadLetteredInItsOwnQueue() throws Exception {
        String base = TestHosts.uniqueQueue();
        try (var first = new QueueProbe(TestRedis.shared(), base + "-a");
             var second = new QueueProbe(TestRedis.shared(), base + "-b");
             Host ignored = TestHosts.start(host(base + "-a," + base + "-b", "host-" + base).maxAttempts(2).build())) {
            second.push("{\"class\":\"Fixtures\",\"worker\":\"fail\"}");
            Eventually.within(QueueProbe.DEADLINE, "a dead letter in b", () -> !second.deadIds().isEmpty());
            List<JsonNode> attempts = second.outcomes();
            assertEquals(2, attempts.size(), "a first attempt and its retry, both in b's outcomes: " + attempts);
            assertTrue(attempts.stream().allMatch(o -> (base + "-b").equals(o.path("queue").asText())));
            assertEquals("2", second.stats().get("failed"));
            assertEquals(List.of(), first.outcomes());
            assertEquals(List.of(), first.deadIds());
            assertTrue(first.stats().isEmpty(), "nothing counted in a: " + first.stats());
            assertEquals(0, first.redis().zcard(first.keys().retries()));
        }
    }

    @Test
    void pausingOneQueueStopsFetchingFromItAlone() throws Exception {
        String base = TestHosts.uniqueQueue();
        String hostId = "host-" + base;
        try (var first = new QueueProbe(TestRedis.shared(), base + "-a");
             var second = new QueueProbe(TestRedis.shared(), base + "-b");
             Host host = TestHosts.start(host(base + "-a," + base + "-b", hostId).build())) {
            new PauseFlags(first.redis(), first.keys()).pause(Optional.empty());
            Eventually.within(QueueProbe.DEADLINE, "the host to notice a's pause", () -> host.isPaused(base + "-a"));
            assertFalse(host.isPaused(), "b is not paused, so neither is the host");
            first.push(NOOP);
            second.push(NOOP);
            second.awaitOutcome("noop");
            assertEquals(1, first.queueLength(), "a paused queue keeps its task");
            assertEquals(List.of(), first.outcomes());

            new PauseFlags(first.redis(), first.keys()).resume(Optional.empty());
            assertEquals("passed", first.awaitOutcome("noop").path("status").asText());
            assertFalse(host.isPaused(base + "-a"));
        }
    }

    @Test
    void pausingEveryQueuePausesTheHost() throws Exception {
        String base = TestHosts.uniqueQueue();
        String hostId = "host-" + base;
        try (var first = new QueueProbe(TestRedis.shared(), base + "-a");
             var second = new QueueProbe(TestRedis.shared(), base + "-b");
             Host host = TestHosts.start(host(base + "-a," + base + "-b", hostId).build())) {
            new PauseFlags(first.redis(), first.keys()).pause(Optional.of(hostId));
            new PauseFlags(second.redis(), second.keys()).pause(Optional.of(hostId));
            Eventually.within(QueueProbe.DEADLINE, "the host to notice both pauses", host::isPaused);
            second.push(NOOP);
            new PauseFlags(second.redis(), second.keys()).resume(Optional.of(hostId));
            second.awaitOutcome("noop");
            assertFalse(host.isPaused());
            assertTrue(host.isPaused(base + "-a"));
        }
    }

    @Test
    void hostsRacingOverTheSameQueuesInDifferentOrdersRunEachTaskOnce() throws Exception {
        String base = TestHosts.uniqueQueue();
        String a = base + "-a";
        String b = base + "-b";
        int tasks = 40;
        try (var first = new QueueProbe(TestRedis.shared(), a);
             var second = new QueueProbe(TestRedis.shared(), b)) {
            for (int i = 0; i < tasks; i++) {
                first.push("{\"class\":\"Fixtures\",\"worker\":\"echo\",\"params\":{\"n\":" + i + "}}");
                second.push("{\"class\":\"Fixtures\",\"worker\":\"echo\",\"params\":{\"n\":" + i + "}}");
            }
            try (Host strict = TestHosts.start(host(a + "," + b, "strict-" + base).build());
                 Host weighted = TestHosts.start(host(b + ":3," + a + ":1", "weighted-" + base).build())) {
                for (QueueProbe queue : List.of(first, second)) {
                    List<JsonNode> done = queue.awaitOutcomes(tasks);
                    List<Integer> numbers = done.stream().map(o -> o.path("result").path("n").asInt()).sorted().toList();
                    assertEquals(IntStream.range(0, tasks).boxed().toList(), numbers,
                            "each task of " + queue.keys().queue() + " ran once");
                    assertTrue(done.stream().allMatch(o -> "passed".equals(o.path("status").asText())));
                }
                assertEquals(tasks, first.outcomes().size());
                assertEquals(tasks, second.outcomes().size());
            }
        }
    }
}
