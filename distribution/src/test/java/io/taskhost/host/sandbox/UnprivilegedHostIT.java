package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.HostProcess;
import io.taskhost.host.testing.MarkedProcesses;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host as a service runs it: as an unprivileged user (the unit's {@code User=taskhost}), where
 * bubblewrap has to make its own user namespace and the per-worker limits fall back to rlimits.
 * Needs root here, to become {@code nobody} with {@code setpriv}.
 */
class UnprivilegedHostIT {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private Path base;

    @AfterEach
    void deleteBase() throws Exception {
        if (base != null) {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    @Test
    void anUnprivilegedHostRunsItsTasksInTheSandboxWithRlimits() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(SETPRIV),
                "needs root and setpriv to run the host as nobody");
        UserPrincipal nobody = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        base = Files.createTempDirectory("taskhost-unprivileged");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plugins = Files.createDirectory(base.resolve("plugins"));
        Files.copy(TestHosts.builtPluginsDir().resolve("fixtures.jar"), plugins.resolve("fixtures.jar"));
        Files.setPosixFilePermissions(plugins.resolve("fixtures.jar"), PosixFilePermissions.fromString("rw-r--r--"));
        Path cache = Files.createDirectory(base.resolve("cache"));
        Path scratch = Files.createDirectory(base.resolve("scratch"));
        Files.setOwner(cache, nobody);
        Files.setOwner(scratch, nobody);
        String queueKey = TestHosts.uniqueQueue();
        String mark = MarkedProcesses.uniqueSleep();

        try (var queue = new QueueProbe(TestRedis.shared(), queueKey);
             var host = HostProcess.runAs(List.of(SETPRIV.toString(), "--reuid=nobody", "--regid=nogroup",
                             "--clear-groups"), base.resolve("host.log"),
                     "--redis", TestRedis.shared().url(), "--queue", queueKey, "--plugins-dir", plugins.toString(),
                     "--cache-dir", cache.toString(), "--scratch-dir", scratch.toString(), "--host-id", queueKey,
                     "--worker-sandbox", "required", "--workers", "1")) {
            queue.push("{\"worker\":\"grandchild\",\"class\":\"Fixtures\",\"params\":{\"seconds\":\"" + mark
                    + "\",\"then\":\"return\"}}");

            JsonNode outcome = queue.awaitOutcome("grandchild");
            assertEquals("passed", outcome.path("status").asText(), outcome + "\n" + host.log());
            assertEquals("bubblewrap", outcome.path("sandbox").asText(), outcome.toString());
            assertTrue(host.log().contains("worker limits: rlimit"), host.log());
            Eventually.within(Duration.ofSeconds(20), "the grandchild to die with its worker",
                    () -> !MarkedProcesses.anyRuns(mark));
        }
    }
}
