package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.FaultyProxy;
import io.taskhost.host.testing.PluginJarBuilder;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis ran the host's command, and the reply never came back: the worst moment for a fetch or
 * a record. Every attempt has its own identity in the processing list, so a repeated record is a
 * no-op and never takes an identical payload's entry with it; a fetched task whose delivery was
 * lost goes back on the queue and runs once.
 */
class LostRepliesTest {

    /** A fragment of the record script, which no other command of the host sends. */
    private static final String RECORD = "'processed'";

    @TempDir
    Path temp;

    @Test
    void aRecordWhoseReplyWasLostIsNotRepeatedOnAnIdenticalPayloadInFlight() throws Exception {
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        PluginJarBuilder.plugin("turns", "1.0.0").source("turns.Turns", """
                package turns;
                import io.taskhost.api.TaskWorker;
                import java.nio.file.*;
                import java.util.Map;
                @org.pf4j.Extension
                public class Turns implements TaskWorker {
                    /** The first of identical tasks returns at once; the others wait for a release file. */
                    public String _task_take_turns(Map<String, Object> params) throws Exception {
                        Path dir = Path.of((String) params.get("dir"));
                        try {
                            Files.createFile(dir.resolve("first"));
                            return "first";
                        } catch (FileAlreadyExistsException e) {
                            while (!Files.exists(dir.resolve("release"))) {
                                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                            }
                            return "second";
                        }
                    }
                }
                """).buildInto(plugins, "turns.jar");
        Path dir = Files.createDirectories(temp.resolve("turns"));
        String payload = "{\"worker\":\"take_turns\",\"class\":\"Turns\",\"params\":{\"dir\":\"" + dir + "\"}}";
        String queueKey = TestHosts.uniqueQueue();
        try (var proxy = FaultyProxy.inFrontOf(TestRedis.shared().url());
             Host host = TestHosts.start(TestHosts.settings(proxy.server(), queueKey, plugins, temp.resolve("cache")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            proxy.count(RECORD);
            proxy.loseReplyTo(RECORD);
            queue.push(payload);
            queue.push(payload);
            Eventually.within(QueueProbe.DEADLINE, "the first task's record sent again after its reply was lost",
                    () -> proxy.repliesLost() == 1 && proxy.forwarded(RECORD) >= 2);
            Eventually.within(QueueProbe.DEADLINE, "the repeated record answered",
                    () -> queue.outcomes().size() >= 1 && proxy.forwarded(RECORD) >= 2);
            Files.createFile(dir.resolve("release"));

            List<JsonNode> outcomes = queue.awaitOutcomes("take_turns", 2);
            Eventually.within(QueueProbe.DEADLINE, "the processing list emptied",
                    () -> queue.redis().llen(queue.keys().processing("host-" + queueKey)) == 0);
            assertEquals(2, queue.outcomes().size(), "one record per attempt: " + queue.outcomes());
            assertEquals(Set.of("first", "second"), outcomes.stream().map(o -> o.path("result").asText())
                    .collect(Collectors.toSet()), outcomes.toString());
            assertEquals(2, outcomes.stream().map(o -> o.path("id").asText()).distinct().count(), outcomes.toString());
            assertEquals("2", queue.stats().get("processed"));
        }
    }

    @Test
    void aFetchWhoseReplyWasLostPutsTheTaskBackAndItRunsOnce() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        String queueKey = TestHosts.uniqueQueue();
        try (var proxy = FaultyProxy.inFrontOf(TestRedis.shared().url());
             Host host = TestHosts.start(TestHosts.settings(proxy.server(), queueKey,
                     TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            proxy.loseReplyTo("RPOP");
            queue.push("{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + marks + "\",\"seq\":\"once\"}}");

            JsonNode outcome = queue.awaitOutcome("mark");
            assertEquals("passed", outcome.path("status").asText(), outcome.toString());
            assertEquals(1, proxy.repliesLost(), "the fault was injected");
            Eventually.within(QueueProbe.DEADLINE, "the processing list emptied",
                    () -> queue.redis().llen(queue.keys().processing("host-" + queueKey)) == 0);
            assertEquals(1, queue.outcomes().size());
            assertEquals(0, queue.queueLength());
            assertEquals(1, runs(marks).size(), "it ran once: " + runs(marks));
        }
    }

    /**
     * A slot records a task and takes its next one down one pipeline; when the reply is lost, the
     * take may have run: the task it took is put back, and every task runs once.
     */
    @Test
    void aRecordAndTakeWhoseReplyWasLostLosesNoTaskAndRunsNoneTwice() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        String queueKey = TestHosts.uniqueQueue();
        try (var proxy = FaultyProxy.inFrontOf(TestRedis.shared().url());
             Host host = TestHosts.start(TestHosts.settings(proxy.server(), queueKey,
                     TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--workers", "1"));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            proxy.count(RECORD);
            proxy.loseReplyTo(RECORD);
            for (int seq = 1; seq <= 3; seq++) {
                queue.push("{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + marks
                        + "\",\"seq\":\"" + seq + "\"}}");
            }

            List<JsonNode> outcomes = queue.awaitOutcomes("mark", 3);
            assertEquals(1, proxy.repliesLost(), "the fault was injected");
            Eventually.within(QueueProbe.DEADLINE, "the processing list emptied",
                    () -> queue.redis().llen(queue.keys().processing("host-" + queueKey)) == 0);
            assertEquals(3, queue.outcomes().size(), "one record per task: " + queue.outcomes());
            assertEquals(0, queue.queueLength());
            assertEquals(Set.of("1", "2", "3"), outcomes.stream().map(o -> o.path("result").asText())
                    .collect(Collectors.toSet()), outcomes.toString());
            assertEquals(3, runs(marks).size(), "each ran once: " + runs(marks));
        }
    }

    /**
     * With a reuse batch, a slot records several tasks and takes several down one pipeline; when the
     * reply is lost, every record is sent again alone, and every task the take may have taken is put back.
     */
    @Test
    void aBatchOfRecordsAndTakesWhoseReplyWasLostLosesNoTaskAndRunsNoneTwice() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        String queueKey = TestHosts.uniqueQueue();
        try (var proxy = FaultyProxy.inFrontOf(TestRedis.shared().url());
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int seq = 1; seq <= 12; seq++) {
                queue.push("{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + marks
                        + "\",\"seq\":\"" + seq + "\",\"millis\":100}}");
            }
            proxy.count(RECORD);
            try (Host host = TestHosts.start(TestHosts.settings(proxy.server(), queueKey,
                    TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--workers", "1",
                    "--warm-spares", "0", "--tasks-per-worker", "100", "--reuse-batch", "4"))) {
                // The first task is fetched alone; the slot records it and takes the next 4, which run for 400 ms.
                Eventually.within(QueueProbe.DEADLINE, "the first task recorded", () -> queue.outcomes().size() >= 1);
                proxy.loseReplyTo(RECORD);

                List<JsonNode> outcomes = queue.awaitOutcomes("mark", 12);
                assertEquals(1, proxy.repliesLost(), "the fault was injected");
                Eventually.within(QueueProbe.DEADLINE, "the processing list emptied",
                        () -> queue.redis().llen(queue.keys().processing("host-" + queueKey)) == 0);
                assertEquals(12, queue.outcomes().size(), "one record per task: " + queue.outcomes());
                assertEquals(0, queue.queueLength());
                assertEquals(12, outcomes.stream().map(o -> o.path("result").asText()).distinct().count(),
                        outcomes.toString());
                assertEquals(12, runs(marks).size(), "each ran once: " + runs(marks));
            }
        }
    }

    private static Set<String> runs(Path marks) throws IOException {
        try (Stream<Path> files = Files.list(marks)) {
            return files.map(file -> file.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
