package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.PluginJarBuilder;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jars built during the test are dropped into a running host's plugins-dir, replaced and removed. */
public class HotLoadingTest {

    private static final Duration ROUTABLE = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    /** A greeter plugin whose operations return {@code version}. */
    public static PluginJarBuilder greeter(String version) {
        return PluginJarBuilder.plugin("greeter", version).source("com.example.greeter.Greeter", """
                package com.example.greeter;

                import io.taskhost.api.TaskClass;
                import io.taskhost.api.TaskWorker;
                import java.util.Map;
                import org.pf4j.Extension;

                @Extension
                @TaskClass("GreeterModel")
                public class Greeter implements TaskWorker {
                    public String _task_version() {
                        return "%1$s";
                    }

                    public String _task_slow_version(Map<String, Object> params) throws Exception {
                        java.nio.file.Files.writeString(java.nio.file.Path.of((String) params.get("started")), "%1$s");
                        while (!java.nio.file.Files.exists(java.nio.file.Path.of((String) params.get("release")))) {
                            Thread.onSpinWait();
                        }
                        return "%1$s";
                    }
                }
                """.formatted(version));
    }

    @Test
    void newReplacedAndRemovedJarsTakeEffectWithoutRestart() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            greeter("1.0.0").buildInto(plugins, "greeter.jar");
            awaitRoutable(host, "GreeterModel", "1.0.0");
            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            assertEquals("1.0.0", queue.awaitOutcomes("version", 1).get(0).path("result").asText());

            greeter("2.0.0").buildInto(plugins, "greeter.jar");
            awaitRoutable(host, "GreeterModel", "2.0.0");
            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            JsonNode second = queue.awaitOutcomes("version", 2).get(1);
            assertEquals("2.0.0", second.path("result").asText());
            assertEquals("2.0.0", second.path("plugin").path("version").asText());

            Files.delete(plugins.resolve("greeter.jar"));
            Eventually.within(ROUTABLE, "GreeterModel unroutable", () -> host.catalog().routes()
                    .route("GreeterModel").isEmpty());
            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            JsonNode third = queue.awaitOutcomes("version", 3).get(2);
            assertEquals("unknown_class", third.path("cause").asText());
        }
    }

    @Test
    void aRunningTaskKeepsTheJarVersionItStartedWith() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        Path started = temp.resolve("started");
        Path release = temp.resolve("release");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            greeter("1.0.0").buildInto(plugins, "greeter.jar");
            awaitRoutable(host, "GreeterModel", "1.0.0");
            queue.push("{\"worker\":\"slow_version\",\"class\":\"GreeterModel\",\"params\":{\"started\":\"" + started
                    + "\",\"release\":\"" + release + "\"}}");
            Eventually.within(ROUTABLE, "the slow task to start", () -> Files.exists(started));

            greeter("2.0.0").buildInto(plugins, "greeter.jar");
            awaitRoutable(host, "GreeterModel", "2.0.0");
            Files.writeString(release, "go");

            JsonNode slow = queue.awaitOutcome("slow_version");
            assertEquals("1.0.0", slow.path("result").asText());
            assertEquals("1.0.0", slow.path("plugin").path("version").asText());
            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            JsonNode next = queue.awaitOutcome("version");
            assertEquals("2.0.0", next.path("result").asText());
            assertNotEquals(slow.path("plugin").path("sha256"), next.path("plugin").path("sha256"));
        }
    }

    @Test
    void anInvalidJarIsSkippedAndEverythingElseKeepsWorking() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Files.writeString(plugins.resolve("broken.jar"), "this is not a zip file");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            assertEquals("passed", queue.awaitOutcome("noop").path("status").asText());
            assertEquals(1, host.catalog().routes().plugins().size());
        }
    }

    @Test
    void aTaskWorkerMissingFromTheExtensionIndexIsFoundByScanningTheJar() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        greeter("1.0.0").withoutExtensionIndex().buildInto(plugins, "greeter.jar");
        PluginJarBuilder.plugin("empty", "1.0.0").source("com.example.empty.Helper", """
                package com.example.empty;

                public class Helper {
                }
                """).buildInto(plugins, "empty.jar");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            assertEquals("1.0.0", queue.awaitOutcome("version").path("result").asText());
            String rejection = host.catalog().rejected().get(plugins.resolve("empty.jar"));
            assertTrue(rejection.contains("no usable TaskWorker") && rejection.contains("annotation processor"),
                    rejection);
        }
    }

    @Test
    void aJarWhoseClassesFailToLoadIsRejectedWithTheMissingClass() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        PluginJarBuilder.plugin("broken-deps", "1.0.0")
                .source("com.example.deps.Invoice", """
                        package com.example.deps;

                        public record Invoice(long id) {
                        }
                        """)
                .source("com.example.deps.Billing", """
                        package com.example.deps;

                        import io.taskhost.api.TaskWorker;
                        import org.pf4j.Extension;

                        @Extension
                        public class Billing implements TaskWorker {
                            public String _task_bill(Invoice invoice) {
                                return "billed " + invoice.id();
                            }
                        }
                        """)
                .leaveOut("com.example.deps.Invoice")
                .buildInto(plugins, "broken-deps.jar");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")))) {
            String rejection = host.catalog().rejected().get(plugins.resolve("broken-deps.jar"));
            assertTrue(rejection != null && rejection.contains("com/example/deps/Invoice"), String.valueOf(rejection));
            assertTrue(host.catalog().routes().route("Billing").isEmpty());
        }
    }

    private static void awaitRoutable(Host host, String taskClass, String version) {
        Eventually.within(ROUTABLE, taskClass + " " + version + " routable", () -> host.catalog().routes()
                .route(taskClass).map(route -> route.plugin().version().equals(version)).orElse(false));
    }
}
