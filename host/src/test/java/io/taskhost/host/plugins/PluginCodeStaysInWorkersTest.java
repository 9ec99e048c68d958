package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.CliProcess;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import io.taskhost.testkit.PluginTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's code runs in worker JVMs only: the host, {@code taskhost plugins --dir} and the testkit read a
 * plugin without initialising any of its classes, and never load or instantiate its Plugin-Class.
 */
class PluginCodeStaysInWorkersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void aJarWhosePluginClassCallsSystemExitIsLoadedWithoutRunningIt() throws Exception {
        Path markers = Files.createDirectories(temp.resolve("markers"));
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        HostilePlugins.codeRunner(markers, true).buildInto(plugins, "hostile.jar");
        String queueKey = TestHosts.uniqueQueue();
        // No sandbox: the plugin leaves marker files, named by real pids, in this test's directory.
        try (var host = CliProcess.start(temp.resolve("host"), "run", "--redis", TestRedis.shared().url(), "--queue",
                queueKey, "--plugins-dir", plugins.toString(), "--cache-dir", temp.resolve("cache").toString(),
                "--host-id", "host-" + queueKey, "--workers", "1", "--park-unknown-for", "0s",
                "--class-data-sharing=false", "--worker-sandbox", "off");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"ping\",\"class\":\"HostileModel\"}");
            Eventually.within(DEADLINE, "an outcome, or the host's end", () -> queue.find("ping").isPresent()
                    || !host.isAlive());

            assertTrue(host.isAlive(), "the host ended with exit code " + exitCode(host) + ":\n" + host.output());
            JsonNode outcome = queue.find("ping").orElseThrow();
            assertEquals("passed", outcome.path("status").asText(), outcome.toString());
            assertEquals("pong", outcome.path("result").asText(), outcome.toString());
            assertEquals(List.of(), HostilePlugins.ranBy(markers, "plugin-class"), "the Plugin-Class was loaded");
            assertFalse(HostilePlugins.ranBy(markers, "task-worker").isEmpty(), "the task ran, so its worker did");
            assertFalse(HostilePlugins.ranBy(markers, "task-worker").contains(host.pid()),
                    "the host initialised the TaskWorker: " + HostilePlugins.allMarkers(markers));
            Eventually.within(DEADLINE, "the host to say it ignores the Plugin-Class",
                    () -> host.stderr().contains("Plugin-Class " + HostilePlugins.PLUGIN_CLASS));
            assertTrue(host.stderr().contains("ignore"), host.stderr());
        }
    }

    @Test
    void thePluginsCommandListsAJarWhosePluginClassCallsSystemExitWithoutRunningIt() throws Exception {
        Path markers = Files.createDirectories(temp.resolve("markers"));
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        HostilePlugins.codeRunner(markers, true).buildInto(plugins, "hostile.jar");

        var command = CliProcess.start(temp.resolve("cli"), "plugins", "--dir", plugins.toString());
        int exitCode = command.awaitExit(DEADLINE);

        assertEquals(0, exitCode, command.output());
        assertTrue(command.stdout().contains("com.example.hostile.Hostile as Hostile, HostileModel: ping"),
                command.output());
        assertEquals("[]", HostilePlugins.allMarkers(markers), "no plugin code may run while a directory is inspected");
    }

    @Test
    void aTaskWorkersInitialisersRunInItsWorkerOnlyNeverInTheHost() throws Exception {
        Path markers = Files.createDirectories(temp.resolve("markers"));
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        HostilePlugins.codeRunner(markers, false).buildInto(plugins, "hostile.jar");
        String queueKey = TestHosts.uniqueQueue();
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            Eventually.within(DEADLINE, "HostileModel routable", () -> host.catalog().routes().route("HostileModel")
                    .isPresent());
            var route = host.catalog().routes().route("HostileModel").orElseThrow();
            assertEquals(Duration.ofSeconds(45), route.worker().operations().get("ping").limits().timeout());
            assertEquals(2, route.worker().operations().get("ping").limits().maxAttempts());
            assertEquals("[]", HostilePlugins.allMarkers(markers), "loading the plugin ran its code");

            queue.push("{\"worker\":\"ping\",\"class\":\"HostileModel\"}");
            assertEquals("pong", queue.awaitOutcome("ping").path("result").asText());

            long self = ProcessHandle.current().pid();
            assertEquals(1, HostilePlugins.ranBy(markers, "task-worker").size(), HostilePlugins.allMarkers(markers));
            for (String code : List.of("task-worker", "enum", "annotation", "plugin-class")) {
                assertFalse(HostilePlugins.ranBy(markers, code).contains(self), code + " ran in the host: "
                        + HostilePlugins.allMarkers(markers));
            }
        }
    }

    @Test
    void theTestkitReadsAPluginWithoutRunningItsCode() throws Exception {
        Path markers = Files.createDirectories(temp.resolve("markers"));
        Path jar = HostilePlugins.codeRunner(markers, true).buildInto(temp, "hostile.jar");

        try (PluginTasks tasks = PluginTasks.forked(jar)) {
            assertEquals("[]", HostilePlugins.allMarkers(markers), "reading the plugin ran its code");
            assertEquals("pong", tasks.run("HostileModel", "ping").assertPassed().result().asText());
        }

        long self = ProcessHandle.current().pid();
        assertEquals(1, HostilePlugins.ranBy(markers, "task-worker").size(), HostilePlugins.allMarkers(markers));
        assertFalse(HostilePlugins.ranBy(markers, "task-worker").contains(self), HostilePlugins.allMarkers(markers));
        assertEquals(List.of(), HostilePlugins.ranBy(markers, "plugin-class"));
    }

    @Test
    void theTestkitAndTheHostAgreeOnClassesAliasesAndOperations() throws Exception {
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        Path jar = HostilePlugins.tricky().buildInto(plugins, "tricky.jar");

        var catalog = new PluginCatalog(plugins, temp.resolve("cache"), JarVetting.TRUST_ALL, Clock.systemUTC());
        catalog.rescanSettled(DEADLINE);
        SortedMap<String, SortedSet<String>> host = new TreeMap<>();
        catalog.routes().classNames().forEach(name -> host.put(name,
                new TreeSet<>(catalog.routes().route(name).orElseThrow().worker().operations().keySet())));
        SortedMap<String, SortedSet<String>> testkit;
        try (PluginTasks tasks = PluginTasks.inProcess(jar)) {
            testkit = tasks.taskClasses();
        }

        assertEquals(Map.of(
                "Greeter", new TreeSet<>(List.of("abstract_here", "hello", "inherited")),
                "GreeterModel", new TreeSet<>(List.of("abstract_here", "hello", "inherited")),
                "Other", new TreeSet<>(List.of("abstract_here", "hello", "inherited")),
                "Nested", new TreeSet<>(List.of("abstract_here", "inherited"))), host, "the host's routes");
        assertEquals(host, testkit, "the testkit's routes");
    }

    private static String exitCode(CliProcess process) {
        try {
            return String.valueOf(process.awaitExit(Duration.ofSeconds(10)));
        } catch (InterruptedException | AssertionError e) {
            return "(unknown: " + e + ")";
        }
    }
}
