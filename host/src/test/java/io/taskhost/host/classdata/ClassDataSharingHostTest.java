package io.taskhost.host.classdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real host with class-data sharing on, its default: tasks pass before and after their archive is ready. */
class ClassDataSharingHostTest {

    @TempDir
    Path temp;

    @Test
    void tasksPassBeforeAndAfterTheHostHasBuiltTheirArchive() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path cache = temp.resolve("cache");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, cache));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            assertTrue(host.classData().enabled());
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            assertEquals("passed", queue.awaitOutcome("noop").path("status").asText());

            Eventually.within(NoopWorker.ARCHIVE_DEADLINE, "the host has a verified archive for fixtures.jar",
                    () -> host.classData().ready() == 1);
            try (var archives = Files.list(cache.resolve("class-data"))) {
                assertEquals(1, archives.filter(file -> file.toString().endsWith(".jsa")).count());
            }
            for (int i = 0; i < 3; i++) {
                queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            }
            List<JsonNode> runs = queue.awaitOutcomes("noop", 4);
            runs.forEach(run -> assertEquals("passed", run.path("status").asText(), run.toString()));
            assertEquals(0, host.classData().unusable());
        }
    }

    @Test
    void theSettingOffLeavesTheCacheWithoutArchives() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path cache = temp.resolve("cache");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, cache,
                "--class-data-sharing=false"));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            assertEquals("passed", queue.awaitOutcome("noop").path("status").asText());
            assertFalse(host.classData().enabled());
            assertFalse(Files.exists(cache.resolve("class-data")));
        }
    }
}
