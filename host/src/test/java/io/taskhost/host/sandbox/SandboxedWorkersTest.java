package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.MarkedProcesses;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile tasks against a host whose workers must run in bubblewrap: they write into the host's
 * directories, fork without end, leave processes behind and reach for the network. Each test
 * watches from outside, as the machine sees it.
 */
class SandboxedWorkersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path temp;
    static Path plugins;
    static Path cache;
    static Host host;
    static QueueProbe queue;

    @BeforeAll
    static void startHost() {
        String queueKey = TestHosts.uniqueQueue();
        plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        cache = temp.resolve("cache");
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, cache,
                "--worker-sandbox", "required", "--worker-max-processes", "64", "--max-attempts", "1",
                "--warm-spares", "1"));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
        queue.close();
    }

    @Test
    void everyOutcomeSaysItsWorkerRanInBubblewrap() {
        queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"n\":1}}");

        JsonNode outcome = queue.awaitOutcome("echo");
        assertEquals("passed", outcome.path("status").asText(), outcome.toString());
        assertEquals("bubblewrap", outcome.path("sandbox").asText(), outcome.toString());
    }

    @Test
    void aTaskCannotWriteIntoThePluginsDirectoryTheJarCacheOrTheArchives() throws Exception {
        queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[]}");
        queue.awaitOutcome("noop");
        Path archives = cache.resolve("class-data");
        Eventually.within(DEADLINE, "a class-data archive for the fixtures", () -> filesIn(archives).stream()
                .anyMatch(file -> file.getFileName().toString().endsWith(".jsa")));
        List<Path> targets = new ArrayList<>(List.of(plugins, cache, archives));
        try (Stream<Path> dirs = Files.list(cache)) {
            dirs.filter(Files::isDirectory).filter(dir -> !targets.contains(dir)).forEach(targets::add);
        }
        Map<Path, List<byte[]>> before = contents(targets);

        queue.push(payload("write_into", "{\"dirs\":" + jsonList(targets) + "}"));

        JsonNode attempt = queue.awaitOutcome("write_into");
        assertEquals("passed", attempt.path("status").asText(), attempt.toString());
        attempt.path("result").forEach(result -> {
            for (String write : result.asText().split("; ")) {
                assertFalse(write.equals("planted") || write.startsWith("appended to "), attempt.toString());
            }
        });
        for (Path target : targets) {
            assertFalse(Files.exists(target.resolve("planted.jar")), target + " has a planted jar");
        }
        assertEqualContents(before, contents(targets));
        queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"after\":\"writes\"}}");
        JsonNode after = Eventually.value(DEADLINE, "the task after the writes", () -> queue.outcomes().stream()
                .filter(outcome -> outcome.path("result").has("after")).findFirst().orElse(null));
        assertEquals("passed", after.path("status").asText(), after.toString());
    }

    @Test
    void aTaskThatForksWithoutEndFailsWithItsOwnCauseAndTheHostGoesOn() {
        queue.push(payload("fork_bomb", "{\"max\":5000}"));

        JsonNode bomb = queue.awaitOutcome("fork_bomb");
        assertEquals("failed", bomb.path("status").asText(), bomb.toString());
        assertTrue(bomb.path("reason").asText().contains("process"), bomb.toString());
        queue.push(payload("whoami", "[]"));
        assertEquals("passed", queue.awaitOutcome("whoami").path("status").asText());
    }

    @Test
    void aGrandchildDiesWhenItsTaskTimesOut() {
        String marker = MarkedProcesses.uniqueSleep();
        queue.push(payload("hang_with_child", "{\"seconds\":\"" + marker + "\"}"));

        Eventually.within(DEADLINE, "the task's child to start", () -> MarkedProcesses.anyRuns(marker));
        JsonNode hung = queue.awaitOutcome("hang_with_child");
        assertEquals("timeout", hung.path("cause").asText(), hung.toString());
        Eventually.within(DEADLINE, "the child of a task that timed out to be gone", () -> !MarkedProcesses.anyRuns(marker));
    }

    @Test
    void aGrandchildDiesWhenItsWorkerExitsOrItsTaskReturns() {
        String exited = MarkedProcesses.uniqueSleep();
        String returned = MarkedProcesses.uniqueSleep();
        queue.push(payload("grandchild", "{\"seconds\":\"" + exited + "\",\"then\":\"exit\"}"));
        queue.push(payload("grandchild", "{\"seconds\":\"" + returned + "\",\"then\":\"return\"}"));

        queue.awaitOutcomes("grandchild", 2);
        Eventually.within(DEADLINE, "the grandchildren of finished tasks to be gone",
                () -> !MarkedProcesses.anyRuns(exited) && !MarkedProcesses.anyRuns(returned));
    }

    @Test
    void aPluginWithNetworkNoneCannotConnectWhileOthersCan() throws Exception {
        String connect = payload("connect", "{\"host\":\"127.0.0.1\",\"port\":" + redisPort() + "}");
        queue.push(connect);
        assertEquals("passed", queue.awaitOutcome("connect").path("status").asText());

        String queueKey = TestHosts.uniqueQueue();
        var settings = TestHosts.builder(TestRedis.shared(), queueKey, plugins, temp.resolve("offline-cache"))
                .workerSandbox(SandboxMode.REQUIRED).maxAttempts(1).warmSpares(0)
                .pluginLimits(Map.of("fixtures", RunLimits.fromSettings("plugin.fixtures", Map.of("network", "none"))))
                .build();
        try (Host offline = TestHosts.start(settings); var offlineQueue = new QueueProbe(TestRedis.shared(), queueKey)) {
            offlineQueue.push(connect);
            JsonNode refused = offlineQueue.awaitOutcome("connect");
            assertEquals("failed", refused.path("status").asText(), refused.toString());
            assertEquals("exception", refused.path("cause").asText(), refused.toString());
        }
    }

    @Test
    void sandboxedWorkersAreReusedInReuseMode() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (Host reusing = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins,
                temp.resolve("reuse-cache"), "--worker-sandbox", "required", "--workers", "1", "--tasks-per-worker", "3"));
             var reuseQueue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int i = 0; i < 3; i++) {
                reuseQueue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"n\":" + i + "}}");
            }
            List<JsonNode> outcomes = reuseQueue.awaitOutcomes("echo", 3);
            assertTrue(outcomes.stream().allMatch(outcome -> outcome.path("status").asText().equals("passed")),
                    outcomes.toString());
            assertTrue(outcomes.stream().anyMatch(outcome -> outcome.path("launch").asText().equals("reused")),
                    outcomes.toString());
            assertEquals(1, outcomes.stream().map(outcome -> outcome.path("pid").asLong()).distinct().count(),
                    "one sandboxed JVM ran all three: " + outcomes);
        }
    }

    private static String payload(String worker, String params) {
        return "{\"worker\":\"" + worker + "\",\"class\":\"Fixtures\",\"params\":" + params + "}";
    }

    private static int redisPort() {
        String url = TestRedis.shared().url();
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1).replaceAll("[^0-9].*", ""));
    }

    private static List<Path> filesIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Map<Path, List<byte[]>> contents(List<Path> dirs) throws IOException {
        var contents = new java.util.TreeMap<Path, List<byte[]>>();
        for (Path dir : dirs) {
            for (Path file : filesIn(dir)) {
                if (Files.isRegularFile(file)) {
                    contents.put(file, List.of(Files.readAllBytes(file)));
                }
            }
        }
        return contents;
    }

    private static void assertEqualContents(Map<Path, List<byte[]>> before, Map<Path, List<byte[]>> after) {
        assertEquals(before.keySet(), after.keySet());
        before.forEach((file, bytes) -> assertTrue(java.util.Arrays.equals(bytes.get(0), after.get(file).get(0)),
                file + " was changed"));
    }

    private static String jsonList(List<Path> paths) {
        return paths.stream().map(path -> "\"" + path + "\"").toList().toString();
    }
}
