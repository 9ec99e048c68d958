package io.taskhost.host.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The running hash is written off the tasks' path: the changes made while a write waits go to Redis
 * together, in the order they were made, and a task that ended before its start was written leaves
 * nothing behind.
 */
class RunningTasksTest {

    private static final Duration TTL = Duration.ofSeconds(30);

    private final List<Runnable> pendingWrites = new ArrayList<>();
    private QueueProbe queue;
    private RunningTasks running;
    private String key;

    @BeforeEach
    void connect() {
        queue = new QueueProbe(TestRedis.shared(), TestHosts.uniqueQueue());
        key = queue.keys().running("host-a");
        running = new RunningTasks(queue.redis(), queue.keys(), "host-a", TTL, new ObjectMapper(),
                (delay, write) -> pendingWrites.add(write));
    }

    @AfterEach
    void close() {
        queue.close();
    }

    private void runPendingWrites() {
        List<Runnable> writes = List.copyOf(pendingWrites);
        pendingWrites.clear();
        writes.forEach(Runnable::run);
    }

    private static RunningTasks.RunningTask task(long pid) {
        return new RunningTasks.RunningTask(pid, 1_000L, "reused", "Fixtures.noop", 1);
    }

    @Test
    void startsMadeWhileAWriteWaitsGoToRedisInOneWrite() {
        running.started("task-1", task(11));
        running.started("task-2", task(12));
        running.started("task-3", task(13));

        assertEquals(1, pendingWrites.size(), "one write for the three starts");
        assertEquals(0, queue.redis().hlen(key), "nothing written before the write runs");
        runPendingWrites();

        assertEquals(Set.of("task-1", "task-2", "task-3"), queue.redis().hkeys(key));
        assertTrue(queue.redis().hget(key, "task-2").contains("\"pid\":12"), queue.redis().hget(key, "task-2"));
        long ttl = queue.redis().pttl(key);
        assertTrue(ttl > 0 && ttl <= TTL.toMillis(), "expires with the heartbeat: " + ttl);
    }

    @Test
    void aTaskThatEndsIsWithdrawnByTheNextWrite() {
        running.started("task-1", task(11));
        running.started("task-2", task(12));
        runPendingWrites();

        running.finished("task-1");
        assertEquals(1, pendingWrites.size());
        runPendingWrites();

        assertEquals(Map.of("task-2", queue.redis().hget(key, "task-2")), queue.redis().hgetAll(key));
    }

    @Test
    void aTaskThatEndsBeforeItsStartIsWrittenLeavesNothing() {
        running.started("task-1", task(11));
        running.finished("task-1");
        runPendingWrites();

        assertEquals(0, queue.redis().hlen(key));
    }

    @Test
    void aTaskTheHeartbeatPublishedBeforeItsStartWasWrittenIsStillWithdrawn() {
        running.started("task-1", task(11));
        running.publish();
        running.finished("task-1");
        runPendingWrites();

        assertEquals(0, queue.redis().hlen(key));
    }

    @Test
    void aChangeAfterAWriteWaitsForAWriteOfItsOwn() {
        running.started("task-1", task(11));
        runPendingWrites();
        running.started("task-2", task(12));

        assertEquals(1, pendingWrites.size());
        runPendingWrites();
        assertEquals(Set.of("task-1", "task-2"), queue.redis().hkeys(key));
    }
}
