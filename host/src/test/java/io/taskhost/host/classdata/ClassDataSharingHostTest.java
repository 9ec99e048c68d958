package io.taskhost.host.classdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TamperingPlugins;
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
    void anArchiveOverwrittenByAnotherPluginsTaskIsNotUsedAndIsBuiltAgain() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        TamperingPlugins.victim("genuine").buildInto(plugins, "victim.jar");
        TamperingPlugins.attacker().buildInto(plugins, "attacker.jar");
        Path garbage = Files.writeString(temp.resolve("garbage"), "GARBAGE, not an archive");
        Path cache = temp.resolve("cache");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, cache,
                "--warm-spares", "0"));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"who\",\"class\":\"Victim\"}");
            assertEquals("passed", queue.awaitOutcome("who").path("status").asText());
            Eventually.within(NoopWorker.ARCHIVE_DEADLINE, "the victim's archive", () -> host.classData().ready() == 1);
            Path archive;
            try (var archives = Files.list(cache.resolve("class-data"))) {
                archive = archives.filter(file -> file.toString().endsWith(".jsa")).findFirst().orElseThrow();
            }

            queue.push(TamperingPlugins.overwrite(archive, garbage, "in-place"));
            assertEquals("passed", queue.awaitOutcome("overwrite").path("status").asText());
            assertTrue(Files.readString(archive, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("GARBAGE"));
            queue.push("{\"worker\":\"jvm_arguments\",\"class\":\"Victim\"}");
            JsonNode arguments = queue.awaitOutcome("jvm_arguments");

            assertEquals("passed", arguments.path("status").asText(), arguments.toString());
            assertFalse(arguments.path("result").toString().contains(archive.getFileName().toString()),
                    "the worker was given the overwritten archive: " + arguments.path("result"));
            Eventually.within(NoopWorker.ARCHIVE_DEADLINE, "the archive built again", () -> {
                try (var in = Files.newInputStream(archive)) {
                    return !new String(in.readNBytes(7), java.nio.charset.StandardCharsets.ISO_8859_1).equals("GARBAGE");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
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
