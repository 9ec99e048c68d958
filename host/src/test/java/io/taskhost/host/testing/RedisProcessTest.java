package io.taskhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisProcessTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String PID = "server pid: ";

    @Test
    void aServerDiesWithTheJvmThatStartedItEvenWhenThatJvmIsKilled(@TempDir Path directory) throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartsAServerAndHangs.class.getName(), directory.toString())
                .redirectErrorStream(true)
                .start();
        long serverPid;
        try {
            var output = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = output.readLine();
                assertNotNull(line, "the JVM ended without saying its server's pid");
            } while (!line.startsWith(PID));
            serverPid = Long.parseLong(line.substring(PID.length()).trim());
            assertTrue(ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false), "the server runs");
        } finally {
            jvm.destroyForcibly();
            jvm.waitFor();
        }

        Eventually.within(DEADLINE, "redis-server " + serverPid + " gone with its JVM",
                () -> ProcessHandle.of(serverPid).map(handle -> !handle.isAlive()).orElse(true));
    }

    @Test
    void aFrozenServerAnswersNothingUntilItIsThawed() {
        try (var processes = RedisProcesses.inNewDirectory(Path.of(System.getProperty("java.io.tmpdir")), "frozen-")) {
            RedisProcess server = processes.start("server", RedisProcessTest::standalone);

            server.freeze();
            assertFalse(server.answers());
            assertTrue(server.isRunning());

            server.thaw();
            assertTrue(server.answers());
        }
    }

    @Test
    void aKilledServerCanBeStartedAgainOnItsPort() {
        try (var processes = RedisProcesses.inNewDirectory(Path.of(System.getProperty("java.io.tmpdir")), "restart-")) {
            RedisProcess server = processes.start("server", RedisProcessTest::standalone);
            long firstPid = server.pid();

            server.kill9();
            assertFalse(server.isRunning());
            assertFalse(server.answers());

            server.restart();
            Eventually.within(DEADLINE, "the restarted server answers", server::answers);
            assertEquals(server.address(), processes.all().get(0).address());
            assertFalse(firstPid == server.pid());
        }
    }

    private static List<String> standalone(int port) {
        return List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
    }

    /** In a JVM of its own: starts a server, prints its pid, and waits to be killed. */
    static final class StartsAServerAndHangs {

        public static void main(String[] args) throws InterruptedException {
            var processes = RedisProcesses.inNewDirectory(Path.of(args[0]), "orphan-");
            RedisProcess server = processes.start("server", RedisProcessTest::standalone);
            System.out.println(PID + server.pid());
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }
}
