package io.taskhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.ListeningSockets;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails half-way closes what it had started, in reverse order: no heartbeat key or
 * hosts entry, no listening port, no thread, no scratch directory, no child process, no embedded
 * redis-server is left behind, and the same host id can start again at once.
 */
class FailedStartTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    @Test
    void aStartThatFailsAfterClaimingTheHostIdGivesTheIdBackAtOnce() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path notADirectory = Files.writeString(temp.resolve("a-file"), "");
        // The scratch directory is made after the host id is claimed; under a regular file it cannot be.
        assertThrows(IOException.class, () -> Host.start(TestHosts.builder(TestRedis.shared(), queueKey, plugins,
                temp.resolve("cache")).scratchDir(notADirectory.resolve("scratch")).build()));

        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            String hostId = "host-" + queueKey;
            assertFalse(queue.redis().exists(queue.keys().heartbeat(hostId)), "the heartbeat key is gone");
            assertFalse(queue.redis().hexists(queue.keys().hosts(), hostId), "the hosts entry is gone");
        }
        try (Host host = TestHosts.start(TestHosts.builder(TestRedis.shared(), queueKey, plugins,
                temp.resolve("cache")).build())) {
            assertFalse(host.isPaused());
        }
    }

    @Test
    void aStartWhoseHttpPortIsTakenLeavesNothingBehind() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path scratch = Files.createDirectories(temp.resolve("scratch"));
        TestRedis redis = TestRedis.shared();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        Set<InetSocketAddress> listeningBefore = ListeningSockets.ofThisProcess();
        List<ProcessHandle> childrenBefore = ProcessHandle.current().descendants().toList();
        try (var taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            var failure = assertThrows(IllegalStateException.class, () -> TestHosts.start(TestHosts.builder(
                    redis, queueKey, plugins, temp.resolve("cache")).scratchDir(scratch).httpPort(taken.getLocalPort())
                    .build()));
            assertTrue(failure.getMessage().contains("--http-port"), failure.getMessage());
        }

        try (var queue = new QueueProbe(redis, queueKey)) {
            String hostId = "host-" + queueKey;
            assertFalse(queue.redis().exists(queue.keys().heartbeat(hostId)), "the heartbeat key is gone");
            assertFalse(queue.redis().hexists(queue.keys().hosts(), hostId), "the hosts entry is gone");
        }
        assertEquals(List.of(), entries(scratch), "the host's scratch directory is deleted");
        assertNoneLeft("threads", () -> newThreads(threadsBefore));
        assertNoneLeft("child processes", () -> newProcesses(childrenBefore));
        assertEquals(listeningBefore, ListeningSockets.ofThisProcess(), "no port is left listening");
    }

    @Test
    void aFailedStartStopsTheEmbeddedRedisServerItStarted() throws Exception {
        int redisPort = TestHosts.freePort();
        try (var taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThrows(IllegalStateException.class, () -> TestHosts.start(TestHosts.builder(TestRedis.shared(),
                    TestHosts.uniqueQueue(), TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"))
                    .redisUrl("embedded:" + redisPort).httpPort(taken.getLocalPort()).build()));
        }
        Eventually.within(DEADLINE, "the embedded redis-server to stop", () -> !listens(redisPort));
    }

    /** Waits for what a failed start had started to end, which a shut-down executor's threads take a moment to do. */
    private static void assertNoneLeft(String what, Supplier<List<String>> leftovers) {
        try {
            Eventually.within(DEADLINE, what + " of the failed start to end", () -> leftovers.get().isEmpty());
        } catch (AssertionError timedOut) {
            assertEquals(List.of(), leftovers.get(), what + " left behind");
        }
    }

    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !before.contains(thread))
                // The JDK's own, started once for the first child process of the JVM and kept.
                .filter(thread -> !thread.getName().startsWith("process reaper"))
                .map(Thread::getName)
                .toList();
    }

    private static List<String> newProcesses(List<ProcessHandle> before) {
        return ProcessHandle.current().descendants()
                .filter(process -> process.isAlive() && !before.contains(process))
                .map(process -> process.pid() + " " + process.info().commandLine().orElse("?"))
                .toList();
    }

    private static List<Path> entries(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean listens(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
