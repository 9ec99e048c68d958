package io.taskhost.host.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.HostProcess;
import io.taskhost.host.testing.MarkedProcesses;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.RestartableRedis;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hosts killed with SIGKILL: their tasks are recovered, by a restart or by a peer, and none is lost. */
class HostCrashIT {

    @TempDir
    Path temp;

    private String[] hostArgs(String queueKey, Path plugins, String hostId, String... extra) {
        var args = new java.util.ArrayList<>(List.of("--redis", TestRedis.shared().url(), "--queue", queueKey,
                "--plugins-dir", plugins.toString(), "--cache-dir", temp.resolve("cache-" + hostId).toString(),
                "--workers", "2", "--host-id", hostId, "--retry-backoff", "200ms"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void aHostKilledInTheMiddleOfABurstLosesNothingWhenItRestarts() throws Exception {
        int tasks = 200;
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (int seq = 0; seq < tasks; seq++) {
                queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"seq\":" + seq + "}}");
            }
            HostProcess first = HostProcess.run(temp.resolve("first.log"), hostArgs(queueKey, plugins, "crashy"));
            List<ProcessHandle> workers;
            try {
                Eventually.within(QueueProbe.DEADLINE, "some tasks done and two running",
                        () -> passedSeqs(queue).size() >= 20 && first.workers().size() >= 2);
                workers = first.workers();
                first.kill9();
            } finally {
                first.close();
            }
            Eventually.within(Duration.ofSeconds(20), "the killed host's workers to exit too",
                    () -> workers.stream().noneMatch(ProcessHandle::isAlive));

            try (HostProcess second = HostProcess.run(temp.resolve("second.log"), hostArgs(queueKey, plugins, "crashy"))) {
                Eventually.within(Duration.ofMinutes(3), "all " + tasks + " tasks passed",
                        () -> passedSeqs(queue).size() == tasks);
                assertTrue(second.log().contains("recovered"), second.log());
            }
            List<JsonNode> lost = queue.outcomes().stream()
                    .filter(o -> "host_lost".equals(o.path("cause").asText())).toList();
            assertTrue(!lost.isEmpty(), "the tasks in flight at the kill were recorded as host_lost");
            lost.forEach(o -> assertEquals("requeued", o.path("disposition").asText()));
            assertEquals(0, queue.queueLength());
        }
    }

    @Test
    void aPeerRecoversTheTasksOfAHostWhoseHeartbeatExpired() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            HostProcess doomed = HostProcess.run(temp.resolve("doomed.log"),
                    hostArgs(queueKey, plugins, "doomed", "--heartbeat-ttl", "2s", "--worker-sandbox", "off"));
            try {
                for (int seq = 0; seq < 2; seq++) {
                    queue.push("{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + temp
                            + "\",\"seq\":\"slow" + seq + "\",\"millis\":60000}}");
                }
                Eventually.within(QueueProbe.DEADLINE, "the doomed host to take both tasks",
                        () -> queue.redis().llen(queue.keys().processing("doomed")) == 2);
                doomed.kill9();
            } finally {
                doomed.close();
            }
            try (Host survivor = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins,
                    temp.resolve("cache-survivor"), "--host-id", "survivor", "--heartbeat-ttl", "2s", "--shutdown-grace", "0s"))) {
                List<JsonNode> recovered = queue.awaitOutcomes("mark", 2);
                for (JsonNode outcome : recovered) {
                    assertEquals("host_lost", outcome.path("cause").asText());
                    assertEquals("survivor", outcome.path("host").asText());
                    assertTrue(outcome.path("reason").asText().contains("doomed"), outcome.toString());
                }
                Eventually.within(QueueProbe.DEADLINE, "the doomed host's list emptied and unregistered",
                        () -> queue.redis().llen(queue.keys().processing("doomed")) == 0
                                && !queue.redis().hexists(queue.keys().hosts(), "doomed"));
                Set<String> running = new TreeSet<>();
                Eventually.within(QueueProbe.DEADLINE, "the survivor runs both, as attempt 2", () -> {
                    running.clear();
                    queue.redis().lrange(queue.keys().processing("survivor"), 0, -1)
                            .forEach(payload -> running.add(payload.contains("\"attempt\":2") ? "attempt 2" : payload));
                    return running.equals(Set.of("attempt 2"))
                            && queue.redis().llen(queue.keys().processing("survivor")) == 2;
                });
            }
        }
    }

    @Test
    void aHostKilledWithSigkillTakesItsWorkersAndTheirOrphanedGrandchildrenWithIt() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Path pidFile = temp.resolve("grandchild.pid");
        long grandchild = 0;
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            HostProcess host = HostProcess.run(temp.resolve("orphans.log"), hostArgs(queueKey, plugins, "orphans", "--worker-sandbox", "off"));
            List<ProcessHandle> workers;
            try {
                queue.push("{\"worker\":\"grandchild\",\"class\":\"Fixtures\",\"params\":{\"pidFile\":\"" + pidFile
                        + "\",\"then\":\"hang\"}}");
                Eventually.within(QueueProbe.DEADLINE, "the task to start its grandchild", () -> Files.exists(pidFile));
                grandchild = Long.parseLong(Files.readString(pidFile).trim());
                workers = host.workers();
                host.kill9();
            } finally {
                host.close();
            }
            long orphan = grandchild;
            Eventually.within(Duration.ofSeconds(20), "the killed host's workers to exit",
                    () -> workers.stream().noneMatch(ProcessHandle::isAlive));
            Eventually.within(Duration.ofSeconds(20), "the grandchild " + orphan + " to be gone",
                    () -> ProcessHandle.of(orphan).map(p -> !p.isAlive()).orElse(true));
        } finally {
            if (grandchild != 0) {
                ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void aSandboxedTasksGrandchildDiesWithTheHostsSigkill() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        String mark = MarkedProcesses.uniqueSleep();
        try (var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            HostProcess host = HostProcess.run(temp.resolve("sandboxed-orphans.log"),
                    hostArgs(queueKey, plugins, "sandboxed-orphans", "--worker-sandbox", "required"));
            try {
                queue.push("{\"worker\":\"grandchild\",\"class\":\"Fixtures\",\"params\":{\"seconds\":\"" + mark
                        + "\",\"then\":\"hang\"}}");
                Eventually.within(QueueProbe.DEADLINE, "the task to start its grandchild",
                        () -> MarkedProcesses.anyRuns(mark));
                host.kill9();
            } finally {
                host.close();
            }
            Eventually.within(Duration.ofSeconds(20), "the grandchild of a sandboxed task to die with its host",
                    () -> !MarkedProcesses.anyRuns(mark));
        }
    }

    private static List<String> passedSeqs(QueueProbe queue) {
        return queue.outcomes().stream().filter(o -> "passed".equals(o.path("status").asText()))
                .map(o -> o.path("result").path("seq").asText()).distinct().toList();
    }

    @Test
    void aHostStartedBeforeRedisThenLostWithAllItsProcessesHasItsTasksRunByAPeer() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        try (var redis = RestartableRedis.notStartedYet(java.nio.file.Files.createDirectories(temp.resolve("late")))) {
            var args = new java.util.ArrayList<>(List.of(hostArgs(queueKey, plugins, "early", "--heartbeat-ttl", "2s", "--worker-sandbox", "off")));
            args.set(args.indexOf("--redis") + 1, redis.url());
            HostProcess early = HostProcess.run(temp.resolve("early.log"), args.toArray(String[]::new));
            try {
                Eventually.within(QueueProbe.DEADLINE, "the host to find Redis unreachable",
                        () -> early.log().contains("cannot reach Redis"));
                redis.start();
                try (var queue = new QueueProbe(redis.server(), queueKey)) {
                    for (int seq = 0; seq < 2; seq++) {
                        queue.push("{\"worker\":\"crash_once\",\"class\":\"Fixtures\",\"params\":{\"pidFile\":\""
                                + temp.resolve("pid" + seq) + "\"}}");
                    }
                    Eventually.within(QueueProbe.DEADLINE, "the early host to run both tasks",
                            () -> java.nio.file.Files.exists(temp.resolve("pid0"))
                                    && java.nio.file.Files.exists(temp.resolve("pid1")));
                    early.killWithAllItsProcesses();

                    try (Host peer = TestHosts.start(TestHosts.settings(redis.server(), queueKey, plugins,
                            temp.resolve("cache-peer"), "--host-id", "peer", "--heartbeat-ttl", "2s"))) {
                        List<JsonNode> passed = Eventually.value(Duration.ofMinutes(2), "both tasks passed on the peer",
                                () -> {
                                    List<JsonNode> done = queue.outcomes().stream()
                                            .filter(o -> "passed".equals(o.path("status").asText())).toList();
                                    return done.size() == 2 ? done : null;
                                });
                        for (JsonNode outcome : passed) {
                            assertEquals("peer", outcome.path("host").asText(), outcome.toString());
                            assertEquals(2, outcome.path("attempt").asInt(), outcome.toString());
                        }
                        assertEquals(2, queue.outcomes().stream()
                                .filter(o -> "host_lost".equals(o.path("cause").asText())).count());
                    }
                }
            } finally {
                early.close();
            }
        }
    }
}
