package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only trusted jars load into a running host; the rest are visible as rejected, with the fix. */
class PluginTrustTest {

    private static final Duration SEEN = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void aWorldWritableJarIsRefusedUntilItsPermissionsAreFixed() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path jar = plugins.resolve("fixtures.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")))) {
            String rejection = Eventually.value(SEEN, "the jar rejected", () -> host.catalog().rejected().get(jar));
            assertTrue(rejection.contains("chmod go-w"), rejection);
            assertTrue(host.catalog().routes().route("Fixtures").isEmpty());

            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            Eventually.within(SEEN, "the fixed jar loaded", () -> host.catalog().routes().route("Fixtures").isPresent());
        }
    }

    @Test
    void withAnAllowlistOnlyListedJarsLoad() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar", "taskpro-example.jar");
        String fixturesSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(plugins.resolve("fixtures.jar"))));
        Path allowlist = temp.resolve("allowed.txt");
        Files.writeString(allowlist, "# reviewed builds\n" + fixturesSha.toUpperCase() + "\n");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c"),
                "--plugin-allowlist", allowlist.toString()));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            assertEquals("passed", queue.awaitOutcome("noop").path("status").asText());
            String rejection = host.catalog().rejected().get(plugins.resolve("taskpro-example.jar"));
            assertTrue(rejection.contains("not in the allowlist"), rejection);
        }
    }
}
