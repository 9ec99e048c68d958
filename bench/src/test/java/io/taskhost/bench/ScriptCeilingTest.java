package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.queue.ReplicaWait;
import io.taskhost.host.testing.TestRedis;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ceiling runs every task through the host's fetch and record scripts once, and cleans up after itself. */
class ScriptCeilingTest {

    private static final int TASKS = 300;

    @Test
    void everyTaskIsFetchedAndRecordedOnceAndTheQueueLeavesNoKeyBehind() throws Exception {
        TestRedis redis = TestRedis.shared();

        ScriptCeiling.Result result = new ScriptCeiling().measure(redis.url(), ReplicaWait.OFF, 3, TASKS);

        assertEquals(TASKS, result.tasks());
        assertTrue(result.tasksPerSecond() > 0);
        assertEquals(0, result.acknowledged() + result.unacknowledged(), "nothing waited for");
        try (var client = redis.client()) {
            assertEquals(Set.of(), client.keys("*bench-ceiling-*"), "the ceiling's keys are gone");
        }
    }

    @Test
    void withAReplicaToWaitForBothTheFetchAndTheRecordOfEachTaskAreAcknowledged() throws Exception {
        try (MasterAndReplicas servers = MasterAndReplicas.start(1)) {
            ScriptCeiling.Result result = new ScriptCeiling().measure(servers.url(),
                    new ReplicaWait(1, Duration.ofSeconds(2)), 2, TASKS);

            assertEquals(TASKS, result.tasks());
            assertEquals(2L * TASKS, result.acknowledged() + result.unacknowledged());
        }
    }
}
