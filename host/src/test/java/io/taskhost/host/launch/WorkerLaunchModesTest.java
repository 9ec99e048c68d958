package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.plugins.HotLoadingTest;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warm spares and reuse mode, with a real host, real worker JVMs and real plugin jars. */
class WorkerLaunchModesTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String WHOAMI = "{\"worker\":\"whoami\",\"class\":\"Fixtures\",\"params\":[]}";

    @TempDir
    Path temp;

    @Test
    void aTaskAfterTheFirstRunsInAWarmSpareThatRunsNothingElse() throws Exception {
        try (var run = new HostRun(temp, "--warm-spares", "1")) {
            JsonNode first = run.runOne(WHOAMI, "whoami");
            assertEquals(WorkerLauncher.COLD, first.path("launch").asText());
            run.awaitIdleWorkers(1);

            JsonNode second = run.runOne(WHOAMI, "whoami");
            assertEquals(WorkerLauncher.SPARE, second.path("launch").asText());
            run.awaitIdleWorkers(1);
            JsonNode third = run.runOne(WHOAMI, "whoami");
            assertEquals(WorkerLauncher.SPARE, third.path("launch").asText());

            List<Long> pids = List.of(first.path("result").asLong(), second.path("result").asLong(),
                    third.path("result").asLong());
            assertEquals(3, pids.stream().distinct().count(), "each task had a JVM of its own: " + pids);
            assertTrue(pids.stream().noneMatch(pid -> pid == ProcessHandle.current().pid()));
        }
    }

    @Test
    void aPluginNoTaskUsedLatelyKeepsNoSpares() throws Exception {
        try (var run = new HostRun(temp, "--warm-spares", "1", "--warm-spares-kept-for", "1s")) {
            long pid = run.runOne(WHOAMI, "whoami").path("result").asLong();
            String sha = run.queue.outcomes().get(0).path("plugin").path("sha256").asText();
            Eventually.within(DEADLINE, "the spare retired a second after the last task",
                    () -> run.host.idleWorkers() == 0 && workersOf(sha) == 0);
            JsonNode next = run.runOne(WHOAMI, "whoami");
            assertEquals(WorkerLauncher.COLD, next.path("launch").asText());
            assertNotEquals(pid, next.path("result").asLong());
        }
    }

    @Test
    void noSparesWaitWhenWarmSparesIsZero() throws Exception {
        try (var run = new HostRun(temp, "--warm-spares", "0")) {
            assertEquals(WorkerLauncher.COLD, run.runOne(WHOAMI, "whoami").path("launch").asText());
            assertEquals(WorkerLauncher.COLD, run.runOne(WHOAMI, "whoami").path("launch").asText());
            assertEquals(0, run.host.idleWorkers());
        }
    }

    @Test
    void aReplacedOrRemovedJarRetiresItsSpares() throws Exception {
        try (var run = new HostRun(temp, "--warm-spares", "2")) {
            Path jar = HotLoadingTest.greeter("1.0.0").buildInto(run.plugins, "greeter.jar");
            run.awaitRoutable("GreeterModel", "1.0.0");
            JsonNode v1 = run.runOne("{\"worker\":\"version\",\"class\":\"GreeterModel\"}", "version");
            assertEquals("1.0.0", v1.path("result").asText());
            String v1Sha = v1.path("plugin").path("sha256").asText();
            Eventually.within(DEADLINE, "two spares of greeter 1.0.0 running", () -> workersOf(v1Sha) == 2);

            HotLoadingTest.greeter("2.0.0").buildInto(run.plugins, "greeter.jar");
            run.awaitRoutable("GreeterModel", "2.0.0");
            Eventually.within(DEADLINE, "the spares of greeter 1.0.0 retired", () -> workersOf(v1Sha) == 0);
            JsonNode v2 = run.runOne("{\"worker\":\"version\",\"class\":\"GreeterModel\"}", "version");
            assertEquals("2.0.0", v2.path("result").asText());
            assertEquals(WorkerLauncher.COLD, v2.path("launch").asText());
            String v2Sha = v2.path("plugin").path("sha256").asText();
            Eventually.within(DEADLINE, "two spares of greeter 2.0.0 running", () -> workersOf(v2Sha) == 2);

            Files.delete(jar);
            Eventually.within(DEADLINE, "the spares of greeter 2.0.0 retired", () -> workersOf(v2Sha) == 0);
            assertEquals(0, run.host.idleWorkers());
        }
    }

    @Test
    void reuseModeRunsUpToTasksPerWorkerTasksInOneJvmThenStartsAnother() throws Exception {
        try (var run = new HostRun(temp, "--warm-spares", "0", "--tasks-per-worker", "3")) {
            List<JsonNode> outcomes = List.of(run.runOne(WHOAMI, "whoami"), run.runOne(WHOAMI, "whoami"),
                    run.runOne(WHOAMI, "whoami"), run.runOne(WHOAMI, "whoami"));
            List<Long> pids = outcomes.stream().map(o -> o.path("result").asLong()).toList();
            assertEquals(List.of(WorkerLauncher.COLD, WorkerLauncher.REUSED, WorkerLauncher.REUSED, WorkerLauncher.COLD),
                    outcomes.stream().map(o -> o.path("launch").asText()).toList());
            assertEquals(1, pids.subList(0, 3).stream().distinct().count(), "the first three share a JVM: " + pids);
            assertNotEquals(pids.get(0), pids.get(3), "the fourth has a fresh JVM: " + pids);
        }
    }

    @Test
    void inReuseModeATimedOutOrCrashedTaskTakesOnlyItsOwnJvmDown() throws Exception {
        try (var run = new HostRun(temp, "--warm-spares", "0", "--tasks-per-worker", "10", "--task-timeout", "5s",
                "--max-attempts", "1")) {
            long first = run.runOne(WHOAMI, "whoami").path("result").asLong();
            JsonNode timedOut = run.runOne("{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":600000}}",
                    "sleep");
            assertEquals("timeout", timedOut.path("cause").asText());
            assertEquals(first, timedOut.path("pid").asLong(), "the sleeping task ran in the reused JVM");
            assertEquals(WorkerLauncher.REUSED, timedOut.path("launch").asText());
            Eventually.within(DEADLINE, "the timed-out JVM is gone", () -> ProcessHandle.of(first).isEmpty()
                    || !ProcessHandle.of(first).get().isAlive());

            JsonNode next = run.runOne(WHOAMI, "whoami");
            assertEquals("passed", next.path("status").asText());
            assertEquals(WorkerLauncher.COLD, next.path("launch").asText());
            long second = next.path("result").asLong();

            JsonNode crashed = run.runOne("{\"worker\":\"exit\",\"class\":\"Fixtures\",\"params\":{\"code\":7}}", "exit");
            assertEquals("worker_exit", crashed.path("cause").asText());
            assertEquals(7, crashed.path("exitCode").asInt());
            assertEquals(second, crashed.path("pid").asLong());

            JsonNode after = run.runOne(WHOAMI, "whoami");
            assertEquals("passed", after.path("status").asText());
            assertNotEquals(second, after.path("result").asLong());
        }
    }

    /** Worker JVMs of this test's host that run the plugin jar with {@code sha256}. */
    private static long workersOf(String sha256) {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(line -> line.contains(sha256)).orElse(false))
                .count();
    }

    /** A host on a fresh queue with the fixtures plugin, its tasks pushed and awaited one at a time. */
    private static final class HostRun implements AutoCloseable {

        final Path plugins;
        final Host host;
        final QueueProbe queue;
        int pushed;

        HostRun(Path temp, String... flags) {
            String queueKey = TestHosts.uniqueQueue();
            plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
            host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("cache"),
                    flags));
            queue = new QueueProbe(TestRedis.shared(), queueKey);
        }

        JsonNode runOne(String payload, String worker) {
            queue.push(payload);
            pushed++;
            return queue.awaitOutcomes(pushed).get(pushed - 1);
        }

        void awaitIdleWorkers(int count) {
            Eventually.within(DEADLINE, count + " idle worker JVM(s)", () -> host.idleWorkers() == count);
        }

        void awaitRoutable(String taskClass, String version) {
            Eventually.within(DEADLINE, taskClass + " " + version + " routable", () -> host.catalog().routes()
                    .route(taskClass).map(route -> route.plugin().version().equals(version)).orElse(false));
        }

        @Override
        public void close() throws Exception {
            host.close();
            queue.close();
        }
    }
}
