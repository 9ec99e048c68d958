package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {

    @TempDir
    Path temp;

    @Test
    void tasksStillRunningAfterTheGracePeriodAreKilledAndPutBackAtTheHeadOfTheQueue() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        byte[] slow = "{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":600000}}"
                .getBytes(StandardCharsets.UTF_8);
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                    TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("c"), "--shutdown-grace", "1s", "--workers", "1"));
            queue.push(slow);
            Eventually.within(QueueProbe.DEADLINE, "the slow task running",
                    () -> queue.redis().llen(queue.keys().processing("host-" + queueKey)) == 1);
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            host.close();

            assertEquals(0, queue.redis().llen(queue.keys().processing("host-" + queueKey)));
            List<byte[]> waiting = queue.redis().lrange(queue.keys().queue().getBytes(StandardCharsets.UTF_8), 0, -1);
            assertEquals(2, waiting.size(), "nothing lost, nothing run");
            assertArrayEquals(slow, waiting.get(waiting.size() - 1), "the interrupted task is next in line");
            assertEquals(List.of(), queue.outcomes());
        }
    }
}
