package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.RestartableRedis;
import io.taskhost.host.testing.TestHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis dies and comes back in the middle of a run: every task runs once and is recorded once. */
class RedisOutageTest {

    private static final int TASKS = 16;

    @TempDir
    Path temp;

    @Test
    void tasksFinishedDuringARedisOutageAreRecordedOnceWhenItReturns() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        Path data = Files.createDirectories(temp.resolve("redis"));
        String queueKey = TestHosts.uniqueQueue();
        try (var redis = RestartableRedis.start(data);
             Host host = TestHosts.start(TestHosts.settings(redis.server(), queueKey,
                     TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache")));
             var queue = new QueueProbe(redis.server(), queueKey)) {
            for (int seq = 0; seq < TASKS; seq++) {
                queue.push("{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + marks + "\",\"seq\":"
                        + seq + ",\"millis\":1500}}");
            }
            Eventually.within(QueueProbe.DEADLINE, "a few tasks done", () -> runs(marks).size() >= 2);
            Eventually.within(QueueProbe.DEADLINE, "both slots in the middle of a run",
                    () -> queue.redis().llen(queue.keys().processing("host-" + queueKey)) == 2
                            && runs(marks).size() == passedSeqs(queue).size());
            int doneBefore = runs(marks).size();
            redis.kill();
            Eventually.within(QueueProbe.DEADLINE, "a task to finish while Redis is down",
                    () -> runs(marks).size() > doneBefore);
            redis.start();

            Eventually.within(Duration.ofMinutes(2), "every task recorded", () -> passedSeqs(queue).size() >= TASKS);
            Map<String, Integer> runsPerSeq = runs(marks);
            assertEquals(TASKS, runsPerSeq.size(), "every task ran");
            runsPerSeq.forEach((seq, count) -> assertEquals(1, count, "task " + seq + " ran once"));
            List<String> passed = passedSeqs(queue);
            assertEquals(TASKS, passed.size(), "each task recorded once: " + passed);
            assertEquals(TASKS, passed.stream().distinct().count());
            assertEquals(0, queue.redis().llen(queue.keys().processing("host-" + queueKey)));
        }
    }

    private static List<String> passedSeqs(QueueProbe queue) {
        try {
            return queue.outcomes().stream().filter(o -> "passed".equals(o.path("status").asText()))
                    .map(o -> o.path("result").asText()).toList();
        } catch (RuntimeException redisStillDown) {
            return List.of();
        }
    }

    /** seq to the number of runs that finished it. */
    private static Map<String, Integer> runs(Path marks) {
        Map<String, Integer> runs = new TreeMap<>();
        try (Stream<Path> files = Files.list(marks)) {
            files.forEach(file -> runs.merge(file.getFileName().toString().split("\\.")[0], 1, Integer::sum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runs;
    }
}
