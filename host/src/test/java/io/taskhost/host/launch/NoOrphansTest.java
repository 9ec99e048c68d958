package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process a task starts, even one that its parent left behind as an orphan, dies with the task's
 * worker JVM: on a timeout, a normal return, a System.exit, and when a reused JVM is retired.
 */
class NoOrphansTest {

    private static final Duration GONE_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private Host host;
    private QueueProbe queue;
    private final List<Path> pidFiles = new ArrayList<>();

    private void start(String... flags) {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("cache"), flags));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
            queue.close();
        }
        for (Path pidFile : pidFiles) {
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void anOrphanedGrandchildDiesWhenItsTaskTimesOut() throws IOException {
        start("--task-timeout", "3s", "--max-attempts", "1");
        JsonNode outcome = runGrandchildTask("hang");
        assertEquals("timeout", outcome.path("cause").asText());
        assertGoneSoon(grandchild());
    }

    @Test
    void anOrphanedGrandchildDiesWhenItsTaskReturns() throws IOException {
        start();
        JsonNode outcome = runGrandchildTask("return");
        assertEquals("passed", outcome.path("status").asText());
        assertGoneSoon(grandchild());
    }

    @Test
    void anOrphanedGrandchildDiesWhenItsTaskCallsSystemExit() throws IOException {
        start("--max-attempts", "1");
        JsonNode outcome = runGrandchildTask("exit");
        assertEquals("worker_exit", outcome.path("cause").asText());
        assertGoneSoon(grandchild());
    }

    @Test
    void anOrphanedGrandchildOfAReusedJvmDiesWhenTheJvmIsRetired() throws IOException {
        start("--tasks-per-worker", "10", "--warm-spares", "0", "--warm-spares-kept-for", "1s");
        JsonNode outcome = runGrandchildTask("return");
        assertEquals("passed", outcome.path("status").asText());
        Eventually.within(GONE_WITHIN, "the reused JVM retired as unused", () -> host.idleWorkers() == 0);
        assertGoneSoon(grandchild());
    }

    private JsonNode runGrandchildTask(String then) {
        Path pidFile = temp.resolve("grandchild-" + pidFiles.size() + ".pid");
        pidFiles.add(pidFile);
        queue.push("{\"worker\":\"grandchild\",\"class\":\"Fixtures\",\"params\":{\"pidFile\":\"" + pidFile
                + "\",\"then\":\"" + then + "\"}}");
        return queue.awaitOutcome("grandchild");
    }

    private long grandchild() throws IOException {
        long pid = Long.parseLong(Files.readString(pidFiles.get(pidFiles.size() - 1)).trim());
        return pid;
    }

    static void assertGoneSoon(long pid) {
        Eventually.within(GONE_WITHIN, "process " + pid + " to be gone",
                () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }
}
