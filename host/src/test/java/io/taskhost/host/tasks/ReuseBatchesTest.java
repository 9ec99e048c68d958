package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --reuse-batch N}, a slot whose tasks ran in reuse mode takes up to N tasks as it records
 * them, runs them in its reused JVM one after the other, and records them in one round trip. Each still
 * ends completed, retried or dead-lettered, whatever happens in the middle of a batch.
 */
class ReuseBatchesTest {

    private static final String WHOAMI = "{\"worker\":\"whoami\",\"class\":\"Fixtures\",\"params\":{}}";

    @TempDir
    Path temp;

    @Test
    void aSlotTakesSeveralTasksAtOnceAfterReuseModeTasksAndRunsThemInItsReusedJvm() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int i = 0; i < 12; i++) {
                queue.push(mark(i, 100));
            }
            String processing = queue.keys().processing("host-" + queueKey);
            long[] mostInFlight = new long[1];
            try (Host host = start(queueKey, "--reuse-batch", "5")) {
                Eventually.within(QueueProbe.DEADLINE, "several tasks taken at once by the one slot", () -> {
                    mostInFlight[0] = Math.max(mostInFlight[0], queue.redis().llen(processing));
                    return mostInFlight[0] > 1;
                });
                List<JsonNode> outcomes = queue.awaitOutcomes("mark", 12);

                assertTrue(outcomes.stream().allMatch(o -> o.path("status").asText().equals("passed")),
                        outcomes.toString());
                assertEquals(1, outcomes.stream().map(o -> o.path("pid").asLong()).distinct().count(),
                        "one JVM ran them all: " + outcomes);
                assertEquals(11, outcomes.stream().filter(o -> o.path("launch").asText()
                        .equals(WorkerLauncher.REUSED)).count(), outcomes.toString());
                Eventually.within(QueueProbe.DEADLINE, "the processing list emptied",
                        () -> queue.redis().llen(processing) == 0);
            }
            assertTrue(mostInFlight[0] <= 5, "never more than the batch in flight: " + mostInFlight[0]);
        }
    }

    @Test
    void aJvmThatDiesOrTimesOutInTheMiddleOfABatchCostsOnlyItsOwnTask() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push(WHOAMI);
            queue.push(WHOAMI);
            queue.push("{\"worker\":\"exit\",\"class\":\"Fixtures\",\"params\":{\"code\":7}}");
            queue.push(WHOAMI);
            queue.push("{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":600000}}");
            queue.push(WHOAMI);
            try (Host host = start(queueKey, "--reuse-batch", "10", "--task-timeout", "3s", "--max-attempts", "1")) {
                List<JsonNode> outcomes = queue.awaitOutcomes(6);
                Eventually.within(QueueProbe.DEADLINE, "the processing list emptied",
                        () -> queue.redis().llen(queue.keys().processing("host-" + queueKey)) == 0);

                List<String> ends = outcomes.stream().map(o -> o.path("worker").asText() + ":"
                        + (o.path("status").asText().equals("passed") ? "passed" : o.path("cause").asText())).toList();
                assertEquals(List.of("whoami:passed", "whoami:passed", "exit:worker_exit", "whoami:passed",
                        "sleep:timeout", "whoami:passed"), ends, outcomes.toString());
                assertEquals(7, outcomes.get(2).path("exitCode").asInt());
                assertEquals(outcomes.get(0).path("pid").asLong(), outcomes.get(2).path("pid").asLong(),
                        "the task that exited ran in the first JVM");
                assertNotEquals(outcomes.get(2).path("pid").asLong(), outcomes.get(3).path("pid").asLong(),
                        "the task after it ran in a new JVM");
                assertNotEquals(outcomes.get(4).path("pid").asLong(), outcomes.get(5).path("pid").asLong(),
                        "and the task after the timeout too");
                assertEquals(0, queue.queueLength());
                assertEquals("6", queue.stats().get("processed"));
            }
        }
    }

    @Test
    void aHostThatStopsInTheMiddleOfABatchRecordsWhatRanAndPutsBackTheRest() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        String queueKey = TestHosts.uniqueQueue();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int i = 0; i < 10; i++) {
                queue.push("{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + marks
                        + "\",\"seq\":\"" + i + "\",\"millis\":300}}");
            }
            String processing = queue.keys().processing("host-" + queueKey);
            try (Host host = start(queueKey, "--reuse-batch", "10", "--shutdown-grace", "0s")) {
                Eventually.within(QueueProbe.DEADLINE, "a batch in flight, and two of its tasks run",
                        () -> queue.redis().llen(processing) > 1 && runs(marks) >= 3);
            }

            assertEquals(0, queue.redis().llen(processing), "nothing left in flight");
            List<JsonNode> outcomes = queue.outcomes();
            assertEquals(10, outcomes.size() + queue.queueLength(), "each task recorded or back on the queue: "
                    + outcomes);
            assertTrue(outcomes.size() >= 2, "what ran was recorded, not put back to run again: " + outcomes);
            assertTrue(outcomes.stream().allMatch(o -> o.path("status").asText().equals("passed")),
                    outcomes.toString());
        }
    }

    /** The tasks behind a running one wait on its JVM's stdin: a plugin that reads System.in must not get them. */
    @Test
    void aTaskThatReadsStdinTakesNoneOfTheTasksWrittenAheadOfIt() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push(WHOAMI);
            queue.push("{\"worker\":\"read_stdin\",\"class\":\"Fixtures\",\"params\":{}}");
            queue.push(WHOAMI);
            queue.push(WHOAMI);
            try (Host host = start(queueKey, "--reuse-batch", "10", "--task-timeout", "20s", "--max-attempts", "1")) {
                List<JsonNode> outcomes = queue.awaitOutcomes(4);

                assertEquals(List.of("passed", "passed", "passed", "passed"),
                        outcomes.stream().map(o -> o.path("status").asText()).toList(), outcomes.toString());
                assertEquals(-1, outcomes.get(1).path("result").asInt(), "it read the end of input");
                assertEquals(1, outcomes.stream().map(o -> o.path("pid").asLong()).distinct().count(),
                        "all ran in one JVM: " + outcomes);
            }
        }
    }

    private Host start(String queueKey, String... flags) {
        List<String> all = new java.util.ArrayList<>(List.of("--workers", "1", "--warm-spares", "0",
                "--tasks-per-worker", "100"));
        all.addAll(List.of(flags));
        return TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), all.toArray(String[]::new)));
    }

    private String mark(int seq, int millis) {
        return "{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + temp + "\",\"seq\":\"m" + seq
                + "\",\"millis\":" + millis + "}}";
    }

    private static long runs(Path marks) {
        try (Stream<Path> files = Files.list(marks)) {
            return files.collect(Collectors.counting());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
