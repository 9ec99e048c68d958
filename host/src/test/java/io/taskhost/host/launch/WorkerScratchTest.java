package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
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

/** Each worker JVM writes into a scratch directory of its own, outside the cache, gone with the JVM. */
class WorkerScratchTest {

    @TempDir
    Path temp;

    @Test
    void aTaskWritesIntoAScratchDirectoryOfItsOwnOutsideTheCacheThatIsGoneAfterIt() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path cache = temp.resolve("cache");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, cache));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int i = 0; i < 2; i++) {
                queue.push("{\"worker\":\"scratch\",\"class\":\"Fixtures\",\"params\":{\"millis\":1500}}");
            }
            List<JsonNode> runs = queue.awaitOutcomes("scratch", 2);
            List<Path> dirs = runs.stream().map(run -> {
                assertEquals("passed", run.path("status").asText(), run.toString());
                JsonNode where = run.path("result");
                Path cwd = Path.of(where.path("cwd").asText());
                assertFalse(cwd.startsWith(cache.toAbsolutePath()), cwd + " is inside the cache " + cache);
                assertEquals(cwd.toString(), where.path("tmpdir").asText(), "java.io.tmpdir");
                assertEquals(cwd.toString(), where.path("TMPDIR").asText(), "TMPDIR");
                assertEquals(cwd, Path.of(where.path("cwdFile").asText()).getParent());
                assertTrue(Path.of(where.path("tmpFile").asText()).startsWith(cwd), where.toString());
                return cwd;
            }).toList();
            assertNotEquals(dirs.get(0), dirs.get(1), "two tasks at once share no directory");
            for (Path dir : dirs) {
                Eventually.within(Duration.ofSeconds(20), dir + " deleted after its task", () -> !Files.exists(dir));
            }
            try (var left = Files.walk(cache)) {
                assertTrue(left.noneMatch(path -> path.getFileName().toString().equals("written-here.txt")));
            }
        }
    }

    @Test
    void aStartingHostDeletesWhatAHostNoLongerRunningLeftAndNothingElse() throws Exception {
        Path root = Files.createDirectories(temp.resolve("scratch"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path crashed = Files.createDirectories(root.resolve("taskhost-scratch-" + gone.pid() + "-1700000000000-0123456789ab"
                + "/worker-7"));
        Files.writeString(crashed.resolve("left-behind.txt"), "by a task of a host killed with -9");
        ProcessHandle self = ProcessHandle.current();
        Path live = Files.createDirectories(root.resolve("taskhost-scratch-" + self.pid() + "-"
                + self.info().startInstant().orElseThrow().toEpochMilli() + "-ba9876543210"));
        Path unrelated = Files.createDirectories(root.resolve("not-taskhost"));
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("cache"),
                "--scratch-dir", root.toString()))) {
            assertFalse(Files.exists(crashed.getParent()), "the crashed host's directory is deleted");
            assertTrue(Files.isDirectory(live), "a running host's directory is kept");
            assertTrue(Files.isDirectory(unrelated));
        }
    }
}
