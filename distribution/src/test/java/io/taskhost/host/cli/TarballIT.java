package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release tarball, unpacked somewhere new and run the way an operator would run it. */
class TarballIT {

    private static final Path TARBALL = Path.of(System.getProperty("taskhost.test.tarball",
            "target/taskhost-0.1.0-SNAPSHOT.tar.gz"));

    @TempDir
    Path temp;

    private Path unpack() throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(TARBALL), TARBALL.toAbsolutePath() + " was not built by `mvn package`");
        Path into = Files.createDirectories(temp.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", TARBALL.toAbsolutePath().toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), "tar: " + output);

        String top = TARBALL.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
        try (Stream<Path> entries = Files.list(into)) {
            assertEquals(List.of(into.resolve(top)), entries.toList(), "one top directory named after the release");
        }
        return into.resolve(top);
    }

    @Test
    void theTarballHoldsWhatAnInstallNeeds() throws Exception {
        Path home = unpack();
        assertTrue(Files.isExecutable(home.resolve("bin/taskhost")), "bin/taskhost is executable");
        for (String file : List.of("conf/taskhost.properties", "conf/logback.xml", "conf/logback-json.xml",
                "systemd/taskhost.service", "README.md", "docs/guarantees.md", "docs/operators.md",
                "docs/configuration.md")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        try (Stream<Path> plugins = Files.list(home.resolve("plugins")); Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertEquals(0, plugins.count(), "plugins/ is empty");
            assertTrue(lib.anyMatch(jar -> jar.getFileName().toString().startsWith("taskhost-host-")), "lib/ has the host");
        }
    }

    @Test
    void theTarballRunsWithNothingButAJdk() throws Exception {
        Path home = unpack();
        String queueKey = TestHosts.uniqueQueue();
        String hostId = "tarball-" + queueKey;
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path stdout = temp.resolve("stdout.txt");
        Path stderr = temp.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/taskhost").toString(), "run",
                "--redis", TestRedis.shared().url(), "--queue", queueKey, "--host-id", hostId,
                "--plugins-dir", plugins.toString(), "--cache-dir", temp.resolve("cache").toString(), "--workers", "2")
                .directory(temp.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        // Only what the tarball brings decides: its conf/taskhost.properties, no setting from this JVM's environment.
        builder.environment().keySet().removeIf(name -> name.startsWith("TASKHOST_"));
        Process host = builder.start();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int i = 0; i < 3; i++) {
                queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            }
            List<JsonNode> outcomes = queue.awaitOutcomes("noop", 3);
            outcomes.forEach(outcome -> assertEquals("passed", outcome.path("status").asText(), outcome.toString()));

            host.destroy();
            assertTrue(host.waitFor(90, TimeUnit.SECONDS), "the host stops on SIGTERM");
            String log = Files.readString(stderr);
            assertEquals(0, host.exitValue(), log);
            assertEquals(0, queue.redis().llen(queue.keys().processing(hostId)), "nothing left in its processing list");
            assertTrue(log.contains("taskhost " + hostId + " consuming " + queueKey), log);
            assertEquals("", Files.readString(stdout), "the log goes to stderr; stdout stays clean");
        } finally {
            host.destroyForcibly();
        }
    }
}
