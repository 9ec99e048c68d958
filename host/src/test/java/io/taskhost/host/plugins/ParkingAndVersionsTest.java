package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** Tasks that arrive before their plugin, and jars that replace, duplicate or break each other. */
class ParkingAndVersionsTest {

    private static final Duration ROUTABLE = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private Host start(String queueKey, Path plugins, String... extra) {
        return TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c"), extra));
    }

    @Test
    void tasksQueuedBeforeTheirPluginRunOnceItIsDropped() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        try (Host host = start(queueKey, plugins, "--park-unknown-for", "10m");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            String payload = "{\"worker\":\"version\",\"class\":\"GreeterModel\"}";
            queue.push(payload);
            queue.push(payload);
            Eventually.within(QueueProbe.DEADLINE, "both identical tasks parked",
                    () -> queue.redis().zcard(queue.keys().parked()) == 2);
            assertEquals(List.of(), queue.outcomes(), "parking writes no outcome");

            HotLoadingTest.greeter("1.0.0").buildInto(plugins, "greeter.jar");
            List<JsonNode> runs = queue.awaitOutcomes("version", 2);
            runs.forEach(run -> assertEquals("1.0.0", run.path("result").asText()));
            assertEquals(0, queue.redis().zcard(queue.keys().parked()));
        }
    }

    @Test
    void aFloodOfParkedTasksOfOneClassDoesNotHoldBackATaskWhosePluginArrived() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        try (Host host = start(queueKey, plugins, "--park-unknown-for", "10m");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            int flood = 600;
            for (int i = 0; i < flood; i++) {
                queue.push("{\"worker\":\"w\",\"class\":\"Flood\",\"params\":{\"n\":" + i + "}}");
            }
            Eventually.within(QueueProbe.DEADLINE, "the flood parked",
                    () -> queue.redis().zcard(queue.keys().parked()) == flood);
            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            Eventually.within(QueueProbe.DEADLINE, "the greeter task parked behind the flood",
                    () -> queue.redis().zcard(queue.keys().parked()) == flood + 1);

            HotLoadingTest.greeter("1.0.0").buildInto(plugins, "greeter.jar");
            assertEquals("1.0.0", queue.awaitOutcome("version").path("result").asText());
            assertEquals(flood, queue.redis().zcard(queue.keys().parked()), "the flood still waits for its plugin");
        }
    }

    @Test
    void aTaskParkedByAnEarlierVersionWithoutAnIndexIsReleasedToo() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            byte[] entry = io.taskhost.host.queue.TaskEntry.create(
                    "{\"worker\":\"version\",\"class\":\"GreeterModel\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .entry();
            queue.redis().zadd(queue.keys().parked().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    System.currentTimeMillis() + 600_000, entry);
            try (Host host = start(queueKey, plugins, "--park-unknown-for", "10m")) {
                Eventually.within(QueueProbe.DEADLINE, "the old parked task indexed",
                        () -> queue.redis().exists(queue.keys().parkedIndexed()));
                HotLoadingTest.greeter("1.0.0").buildInto(plugins, "greeter.jar");
                assertEquals("1.0.0", queue.awaitOutcome("version").path("result").asText());
            }
        }
    }

    @Test
    void aParkedTaskIsDeadLetteredWhenNoPluginComesInTime() {
        String queueKey = TestHosts.uniqueQueue();
        String payload = "{\"worker\":\"version\",\"class\":\"NeverDeployed\",\"params\":[]}";
        try (Host host = start(queueKey, TestHosts.pluginsDirWith(temp, "fixtures.jar"), "--park-unknown-for", "1s");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push(payload);
            JsonNode dead = queue.awaitOutcome("version");
            assertEquals("unknown_class", dead.path("cause").asText());
            assertEquals("dead_lettered", dead.path("disposition").asText());
            assertTrue(dead.path("reason").asText().contains("within PT1S"), dead.path("reason").asText());
            assertEquals(payload, new String(queue.deadPayload(dead.path("id").asText())));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aJavaClassNameIsDeadLetteredAtOnceEvenWhileParkingIsOn() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (Host host = start(queueKey, TestHosts.pluginsDirWith(temp, "fixtures.jar"), "--park-unknown-for", "10m");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"class\":\"java.lang.Runtime\",\"worker\":\"exec\",\"params\":[\"touch /tmp/pwned\"]}");
            JsonNode dead = queue.awaitOutcome("exec");
            assertEquals("unknown_class", dead.path("cause").asText());
            assertTrue(dead.path("reason").asText().contains("is a Java class name"), dead.path("reason").asText());
            assertEquals(0, queue.redis().zcard(queue.keys().parked()));
        }
    }

    @Test
    void aBrokenReplacementLeavesThePreviousGoodVersionServing() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        HotLoadingTest.greeter("1.0.0").buildInto(plugins, "greeter.jar");
        try (Host host = start(queueKey, plugins); var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            Path broken = temp.resolve("broken.jar");
            Files.writeString(broken, "PK this is not really a zip");
            // mv's atomic rename: a plain REPLACE_EXISTING move deletes the old file first, which is a removal.
            Files.move(broken, plugins.resolve("greeter.jar"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Eventually.within(ROUTABLE, "the replacement rejected",
                    () -> host.catalog().rejected().containsKey(plugins.resolve("greeter.jar")));

            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            assertEquals("1.0.0", queue.awaitOutcome("version").path("result").asText());
            CatalogSnapshot.JarStatus status = host.catalog().snapshot("h").jars().get(0);
            assertEquals(CatalogSnapshot.REJECTED, status.status());
            assertTrue(status.reason().contains("is not a valid jar"), status.reason());
            assertTrue(status.serving().startsWith("greeter@1.0.0"), status.serving());
        }
    }

    @Test
    void ofTwoJarsOfOnePluginTheHigherVersionServesAndTheOtherIsSuperseded() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        HotLoadingTest.greeter("1.10.0").buildInto(plugins, "greeter-new.jar");
        HotLoadingTest.greeter("1.9.0").buildInto(plugins, "greeter-old.jar");
        try (Host host = start(queueKey, plugins); var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"version\",\"class\":\"GreeterModel\"}");
            assertEquals("1.10.0", queue.awaitOutcome("version").path("result").asText());

            JsonNode published = Eventually.value(ROUTABLE, "the snapshot in Redis", () -> {
                String json = queue.redis().get(queue.keys().plugins("host-" + queueKey));
                try {
                    return json == null ? null : new ObjectMapper().readTree(json);
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            assertEquals("greeter-new.jar", published.path("jars").get(0).path("file").asText());
            assertEquals("active", published.path("jars").get(0).path("status").asText());
            assertEquals("superseded", published.path("jars").get(1).path("status").asText());
            assertEquals(List.of("version", "slow_version").stream().sorted().toList(),
                    new ObjectMapper().convertValue(published.path("jars").get(0).path("classes").get(0)
                            .path("operations"), List.class));
            assertTrue(published.path("conflicts").get(0).asText().contains("supersedes greeter-old.jar"));
        }
    }
}
