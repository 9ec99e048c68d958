package io.taskhost.host.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.testing.CliProcess;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host of several queues is registered, and beats, in each queue's slot: when it dies, its
 * processing list of every queue is recovered.
 */
class SeveralQueuesRecoveryTest {

    private static final String LONG_SLEEP = "{\"class\":\"Fixtures\",\"worker\":\"sleep\",\"params\":{\"millis\":600000}}";

    @TempDir
    Path temp;

    @Test
    void aPeerRecoversTheTasksOfEveryQueueOfAHostKilledWhileRunningThem() throws Exception {
        String base = TestHosts.uniqueQueue();
        String dead = "doomed-" + base;
        String peer = "peer-" + base;
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        try (var first = new QueueProbe(TestRedis.shared(), base + "-a");
             var second = new QueueProbe(TestRedis.shared(), base + "-b")) {
            first.push(LONG_SLEEP);
            second.push(LONG_SLEEP);
            var doomed = CliProcess.start(temp.resolve("doomed"), "run", "--redis", TestRedis.shared().url(),
                    "--queue", base + "-a," + base + "-b", "--plugins-dir", plugins.toString(), "--cache-dir",
                    temp.resolve("cache-doomed").toString(), "--host-id", dead, "--workers", "2",
                    "--heartbeat-ttl", "2s", "--park-unknown-for", "0s", "--class-data-sharing=false",
                    "--worker-sandbox", "off");
            try {
                Eventually.within(QueueProbe.DEADLINE, "the doomed host holding a task of each queue",
                        () -> first.redis().llen(first.keys().processing(dead)) == 1
                                && second.redis().llen(second.keys().processing(dead)) == 1);
                ProcessHandle host = ProcessHandle.of(doomed.pid()).orElseThrow();
                host.descendants().forEach(ProcessHandle::destroyForcibly);
                host.destroyForcibly();
                host.onExit().get();
            } finally {
                doomed.close();
            }

            // The peer takes nothing itself: what it recovers stays on the queues for the test to see.
            new PauseFlags(first.redis(), first.keys()).pause(Optional.of(peer));
            new PauseFlags(second.redis(), second.keys()).pause(Optional.of(peer));
            try (Host ignored = TestHosts.start(TestHosts.builder(TestRedis.shared(), base + "-b," + base + "-a",
                    plugins, temp.resolve("cache-peer")).hostId(peer).heartbeatTtl(Duration.ofSeconds(2)).build())) {
                for (QueueProbe queue : new QueueProbe[] {first, second}) {
                    JsonNode lost = Eventually.value(QueueProbe.DEADLINE, "the lost task's record in "
                            + queue.keys().outcomes(), () -> queue.outcomes().stream()
                            .filter(o -> "host_lost".equals(o.path("cause").asText())).findFirst().orElse(null));
                    assertEquals(queue.keys().queue(), lost.path("queue").asText());
                    Eventually.within(QueueProbe.DEADLINE, "the lost task back on " + queue.keys().queue(),
                            () -> queue.queueLength() == 1);
                    assertEquals(0, queue.redis().llen(queue.keys().processing(dead)));
                    assertTrue(!queue.redis().hexists(queue.keys().hosts(), dead), "the dead host is deregistered");
                }
            }
        }
    }

    @Test
    void aHostRestartedWithFewerQueuesLeavesItsOldQueuesTasksToThatQueuesPeers() throws Exception {
        String base = TestHosts.uniqueQueue();
        String restarted = "restarted-" + base;
        String peer = "peer-" + base;
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        try (var kept = new QueueProbe(TestRedis.shared(), base + "-a");
             var dropped = new QueueProbe(TestRedis.shared(), base + "-b")) {
            // What an earlier run on a and b left in b, its heartbeat there lapsed: it died holding the task.
            dropped.redis().lpush(dropped.keys().processing(restarted).getBytes(StandardCharsets.UTF_8),
                    TaskEntry.create(LONG_SLEEP.getBytes(StandardCharsets.UTF_8)).entry());
            dropped.redis().hset(dropped.keys().hosts(), restarted, "{}");
            new PauseFlags(dropped.redis(), dropped.keys()).pause(Optional.of(peer));
            try (Host again = TestHosts.start(TestHosts.builder(TestRedis.shared(), base + "-a", plugins,
                    temp.resolve("cache-again")).hostId(restarted).heartbeatTtl(Duration.ofSeconds(2)).build());
                 Host bPeer = TestHosts.start(TestHosts.builder(TestRedis.shared(), base + "-b", plugins,
                         temp.resolve("cache-peer")).hostId(peer).heartbeatTtl(Duration.ofSeconds(2)).build())) {
                Eventually.within(QueueProbe.DEADLINE, "b's peer to recover the task the restarted host left in b",
                        () -> dropped.queueLength() == 1);
                assertEquals(0, dropped.redis().llen(dropped.keys().processing(restarted)));
                assertTrue(kept.redis().hexists(kept.keys().hosts(), restarted), "still registered where it consumes");
            }
        }
    }
}
