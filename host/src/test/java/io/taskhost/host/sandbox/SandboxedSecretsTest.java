package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.testing.CliProcess;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.SecureRedis;
import io.taskhost.host.testing.TestHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile task hunts for the host's Redis password where a host keeps it: in the environment
 * and on the command line of every process it can see, in the host's config file and in its
 * environment file. The host is a real process, given the password the way a service is.
 */
class SandboxedSecretsTest {

    @TempDir
    static Path dir;
    private static SecureRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = SecureRedis.withAcl(dir.resolve("redis"));
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void aSandboxedTaskFindsTheRedisPasswordNowhere() throws Exception {
        JsonNode search = huntForThePassword("required");

        assertEquals("passed", search.path("status").asText(), search.toString());
        assertEquals("bubblewrap", search.path("sandbox").asText(), search.toString());
        assertEquals(List.of(), found(search), search.toString());
        assertTrue(search.path("result").path("processes").asInt() <= 3,
                "a sandboxed task sees only its own processes: " + search);
    }

    /** The hunt is worth something only if it finds the password where nothing hides it. */
    @Test
    void anUnsandboxedTaskFindsIt() throws Exception {
        JsonNode search = huntForThePassword("off");

        assertEquals("none", search.path("sandbox").asText(), search.toString());
        assertTrue(found(search).stream().anyMatch(place -> place.endsWith("/environ")), search.toString());
        assertTrue(found(search).stream().anyMatch(place -> place.endsWith("taskhost.env")), search.toString());
    }

    private static JsonNode huntForThePassword(String sandbox) throws Exception {
        String queue = TestHosts.uniqueQueue();
        Path home = Files.createDirectories(dir.resolve(queue));
        Path config = home.resolve("taskhost.properties");
        Files.writeString(config, "redis=" + redis.url() + "\nqueue=" + queue + "\n");
        Path envFile = home.resolve("taskhost.env");
        Files.writeString(envFile, "TASKHOST_REDIS=" + redis.url() + "\n");
        try (var host = CliProcess.start(home, Map.of("TASKHOST_REDIS", redis.url()), "run", "--config", config.toString(),
                "--plugins-dir", TestHosts.builtPluginsDir().toString(), "--cache-dir", home.resolve("cache").toString(),
                "--host-id", "host-" + queue, "--workers", "1", "--warm-spares", "0", "--worker-sandbox", sandbox);
             var probe = new QueueProbe(redis.server(), queue)) {
            probe.push("{\"worker\":\"search\",\"class\":\"Fixtures\",\"params\":{\"needle\":\"" + SecureRedis.PASSWORD
                    + "\",\"files\":[\"" + config + "\",\"" + envFile + "\"]}}");
            return probe.awaitOutcome("search");
        }
    }

    private static List<String> found(JsonNode search) {
        List<String> places = new ArrayList<>();
        search.path("result").path("found").forEach(place -> places.add(place.asText()));
        return places;
    }
}
