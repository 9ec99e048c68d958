package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.testing.CliProcess;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a host does with each {@code --worker-sandbox} mode on a machine that has no usable bubblewrap. */
class SandboxChoiceTest {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path dir;

    @Test
    void requiredWithoutBubblewrapExits2WithTheFix() throws Exception {
        Path emptyPath = Files.createDirectories(dir.resolve("no-bwrap"));
        try (var host = CliProcess.start(dir, Map.of("PATH", emptyPath.toString()), "run", "--redis",
                TestRedis.shared().url(), "--queue", TestHosts.uniqueQueue(), "--plugins-dir",
                dir.resolve("plugins").toString(), "--cache-dir", dir.resolve("cache").toString(),
                "--worker-sandbox", "required")) {
            assertEquals(2, host.awaitExit(Duration.ofSeconds(60)), host.output());
            assertTrue(host.output().contains("apt-get install bubblewrap"), host.output());
            assertTrue(host.output().contains("worker-sandbox=auto"), host.output());
        }
    }

    @Test
    void autoWithoutBubblewrapWarnsOnceAndRunsTasksUnsandboxed() throws Exception {
        Path emptyPath = Files.createDirectories(dir.resolve("no-bwrap"));
        String queue = TestHosts.uniqueQueue();
        try (var host = CliProcess.start(dir, Map.of("PATH", emptyPath.toString()), "run", "--redis",
                TestRedis.shared().url(), "--queue", queue, "--plugins-dir", TestHosts.builtPluginsDir().toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--host-id", "host-" + queue);
             var probe = new QueueProbe(TestRedis.shared(), queue)) {
            probe.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"n\":1}}");

            JsonNode outcome = probe.awaitOutcome("echo");
            assertEquals("passed", outcome.path("status").asText(), outcome.toString());
            assertEquals("none", outcome.path("sandbox").asText(), outcome.toString());
            Eventually.within(Duration.ofSeconds(10), "the warning", () -> host.output().contains("worker sandbox: none"));
            assertEquals(1, host.output().split("worker sandbox: none", -1).length - 1, host.output());
            assertTrue(host.output().contains("apt-get install bubblewrap"), host.output());
        }
    }

    @Test
    void aBubblewrapThatCannotMakeNamespacesIsNamedWithWhatToAllow() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path bwrap = bin.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        var probe = new SandboxProbe(Map.of("PATH", bin.toString()), Path.of("/"));

        var refused = assertThrows(IllegalArgumentException.class, () -> probe.choose(SandboxMode.REQUIRED, JAVA));
        assertTrue(refused.getMessage().contains("No permissions to create new namespace"), refused.getMessage());
        assertTrue(refused.getMessage().contains("unprivileged_userns_clone"), refused.getMessage());
        assertEquals(WorkerSandbox.NONE, probe.choose(SandboxMode.AUTO, JAVA).name());
    }

    @Test
    void offNeverLooksForBubblewrap() {
        var probe = new SandboxProbe(Map.of("PATH", dir.toString()), Path.of("/"));

        assertEquals(WorkerSandbox.NONE, probe.choose(SandboxMode.OFF, JAVA).name());
    }
}
