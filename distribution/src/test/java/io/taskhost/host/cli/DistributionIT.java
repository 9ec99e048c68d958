package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code bin/taskhost}, run as a real process the way a service manager runs it. */
class DistributionIT {

    private static final Path DISTRIBUTION = Path.of(System.getProperty("taskhost.test.distribution",
            "target/taskhost"));

    @TempDir
    Path temp;

    private ProcessBuilder taskhost(String... args) {
        var command = new java.util.ArrayList<>(List.of(DISTRIBUTION.resolve("bin/taskhost").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve("host.log").toFile());
    }

    private String log() throws IOException {
        return Files.readString(temp.resolve("host.log"));
    }

    @Test
    void sigtermLetsTheRunningTaskFinishAndExitsZero() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path config = temp.resolve("taskhost.properties");
        Files.writeString(config, "queue=" + queueKey + "\nshutdown-grace=60s\n");
        ProcessBuilder builder = taskhost("run", "--config", config.toString(), "--redis", TestRedis.shared().url(),
                "--plugins-dir", plugins.toString(), "--cache-dir", temp.resolve("cache").toString());
        builder.environment().put("TASKHOST_WORKERS", "1");
        Process host = builder.start();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
            assertEquals("passed", queue.awaitOutcome("noop").path("status").asText());

            queue.push("{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":3000}}");
            Eventually.within(Duration.ofSeconds(60), "the sleep task to be taken",
                    () -> queue.redis().llen(queue.keys().processing(hostId())) == 1);
            host.destroy();
            assertTrue(host.waitFor(90, TimeUnit.SECONDS), "the host stops within its grace period");
            assertEquals(0, host.exitValue(), log());

            JsonNode slept = queue.awaitOutcome("sleep");
            assertEquals("passed", slept.path("status").asText(), "a running task finishes during the grace period");
            assertEquals(0, queue.queueLength());
            assertTrue(log().contains("workers=1"), "TASKHOST_WORKERS reached the host: " + log());
        } finally {
            host.destroyForcibly();
        }
    }

    @Test
    void anInvalidSettingIsRefusedWithItsNameAndExitCodeTwo() throws Exception {
        Process host = taskhost("run", "--workers", "0").start();
        assertTrue(host.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, host.exitValue());
        assertTrue(log().contains("workers must be at least 1"), log());
    }

    @Test
    void versionNamesTheRelease() throws Exception {
        Process host = taskhost("--version").start();
        assertTrue(host.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, host.exitValue());
        assertTrue(log().startsWith("taskhost 0."), log());
    }

    /** The flags the host's JVM ran with, printed by the JVM itself before {@code taskhost --version}. */
    private String hostJvmFlags(Path javaHome) throws Exception {
        ProcessBuilder builder = taskhost("--version");
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("TASKHOST_JAVA_OPTS", "-XX:+PrintFlagsFinal");
        Process host = builder.start();
        assertTrue(host.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, host.exitValue(), log());
        assertTrue(log().contains("taskhost 0."), log());
        return log();
    }

    @Test
    void onTheJdksItWasTriedOnTheLauncherSpacesOutTheJvmsOwnWakeUps() throws Exception {
        List<Path> homes = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        Path temurin25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        if (Files.isExecutable(temurin25.resolve("bin/java"))) {
            homes.add(temurin25);
        }
        for (Path home : homes) {
            String flags = hostJvmFlags(home);
            assertTrue(flags.matches("(?s).*AsyncDeflationInterval\\s+= 5000\\s.*"), home + ":\n" + flags);
            assertTrue(flags.matches("(?s).*G1PeriodicGCInterval\\s+= 3600000\\s.*"), home + ":\n" + flags);
        }
    }

    /** The adversary: a JDK the options were not tried on might refuse them, and the host would not start. */
    @Test
    void onAJdkOfAnotherVersionTheLauncherAddsNoOptionItMightNotKnow() throws Exception {
        Path home = Files.createDirectories(temp.resolve("jdk-99/bin"));
        Files.createSymbolicLink(home.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Files.writeString(home.resolveSibling("release"), "JAVA_VERSION=\"99.0.1\"\n");

        String flags = hostJvmFlags(home.getParent());

        assertFalse(flags.contains("AsyncDeflationInterval"), "diagnostic options stay locked:\n" + flags);
        assertTrue(flags.matches("(?s).*G1PeriodicGCInterval\\s+= 0\\s.*"), flags);
    }

    /**
     * Under a burst G1 grew an unbounded host heap to 300 MiB of RSS, past the host's budget: the launcher
     * bounds it by the core count, and an operator's -Xmx wins.
     */
    @Test
    void theHostsHeapIsBoundedByTheCoresUnlessTheOperatorSetsIt() throws Exception {
        long cores = Long.parseLong(new String(new ProcessBuilder("nproc").start().getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).trim());

        String flags = hostJvmFlags(Path.of(System.getProperty("java.home")));
        assertTrue(flags.matches("(?s).*MaxHeapSize\\s+= " + (64 + 32 * cores) * 1024 * 1024 + "\\s.*"), flags);

        ProcessBuilder builder = taskhost("--version");
        builder.environment().put("TASKHOST_JAVA_OPTS", "-Xmx300m -XX:+PrintFlagsFinal");
        Process host = builder.start();
        assertTrue(host.waitFor(60, TimeUnit.SECONDS));
        assertTrue(log().matches("(?s).*MaxHeapSize\\s+= " + 300L * 1024 * 1024 + "\\s.*"), log());
    }

    /** The id the host gives itself by default, as this JVM on the same machine works it out. */
    private static String hostId() {
        return io.taskhost.host.liveness.Machine.current().defaultHostId();
    }
}
