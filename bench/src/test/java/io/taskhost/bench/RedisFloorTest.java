package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.TestRedis;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Redis floor fetches and acks every task once, and cleans up after itself. */
class RedisFloorTest {

    private static final int TASKS = 2500;

    @Test
    void everyTaskIsFetchedAndAckedOnceAndTheFloorLeavesNoKeyBehind() throws Exception {
        TestRedis redis = TestRedis.shared();

        RedisFloor.Result result = new RedisFloor().measure(redis.url(), 3, TASKS);

        assertEquals(TASKS, result.fetched());
        assertEquals(TASKS, result.acked(), "each ack removed the entry its LMOVE moved");
        assertEquals(3, result.connections());
        assertTrue(result.tasksPerSecond() > 0);
        try (var client = redis.client()) {
            assertEquals(Set.of(), client.keys("*bench-floor-*"), "the floor's keys are gone");
        }
    }
}
