package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.host.testing.TestRedis;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;
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

    @Test
    void redisBenchmarkWhereItIsInstalledCrossChecksTheFloorAndLeavesNoKeyBehind() throws Exception {
        assumeTrue(onPath("redis-benchmark"), "no redis-benchmark on the PATH");
        TestRedis redis = TestRedis.shared();

        OptionalDouble floor = new RedisFloor().byRedisBenchmark(redis.url(), 2, 500);

        assertTrue(floor.isPresent() && floor.getAsDouble() > 0, String.valueOf(floor));
        try (var client = redis.client()) {
            assertEquals(Set.of(), client.keys("*bench-floor-*"), "the cross-check's keys are gone");
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
