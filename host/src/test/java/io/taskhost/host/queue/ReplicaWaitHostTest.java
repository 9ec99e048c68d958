package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code --redis-wait-replicas 1} against a real master and replica: tasks are recorded as usual
 * while the replica keeps up, and a replica that stops acknowledging costs a warning, never a task
 * or a hang. The timeout guards against a hang; nothing here measures time.
 */
@Timeout(300)
class ReplicaWaitHostTest {

    private static final String NOOP = "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[]}";
    private static final int TASKS = 6;

    @TempDir
    Path temp;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger queueLogger = (Logger) LoggerFactory.getLogger("io.taskhost.host.queue");

    @BeforeEach
    void captureWarnings() {
        log.start();
        queueLogger.addAppender(log);
    }

    @AfterEach
    void stopCapturing() {
        queueLogger.detachAppender(log);
    }

    @Test
    void aHostThatWaitsForAReplicaRecordsItsTasksAndTheReplicaHasTheirRecords() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (var servers = MasterWithReplica.start();
             // The longest wait, so that a loaded machine's replica is in time.
             Host host = Host.start(settings(servers, queueKey, "4s"));
             var queue = new QueueProbe(servers.master(), queueKey);
             UnifiedJedis replica = servers.replica()) {
            for (int i = 0; i < TASKS; i++) {
                queue.push(NOOP);
            }

            List<JsonNode> outcomes = queue.awaitOutcomes(TASKS);

            outcomes.forEach(outcome -> assertEquals("passed", outcome.path("status").asText(), outcome.toString()));
            Eventually.within(QueueProbe.DEADLINE, "the replica holds every outcome record",
                    () -> replica.llen(queue.keys().outcomes()) == TASKS);
            assertEquals(List.of(), warnings(), "a replica that keeps up is never short");
        }
    }

    @Test
    void aHostWhoseReplicaFreezesWarnsOnceAndGoesOnRecordingItsTasks() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (var servers = MasterWithReplica.start();
             // A frozen replica never answers: a short wait.
             Host host = Host.start(settings(servers, queueKey, "300ms"));
             var queue = new QueueProbe(servers.master(), queueKey)) {
            queue.push(NOOP);
            queue.awaitOutcomes(1);
            servers.freezeReplica();

            for (int i = 0; i < TASKS; i++) {
                queue.push(NOOP);
            }

            List<JsonNode> outcomes = queue.awaitOutcomes(1 + TASKS);
            outcomes.forEach(outcome -> assertEquals("passed", outcome.path("status").asText(), outcome.toString()));
            assertEquals(0, queue.redis().llen(queue.keys().processing("host-" + queueKey)), "nothing left in flight");
            List<String> warnings = warnings();
            assertTrue(!warnings.isEmpty() && warnings.get(0).contains("0 of the 1 replica"), warnings.toString());
            assertEquals(1, warnings.stream().filter(warning -> warning.contains("0 of the 1 replica")).count(),
                    "one such warning, not one per write: " + warnings);
        }
    }

    /** As {@link TestHosts#builder}'s, on the test's own master. */
    private HostSettings settings(MasterWithReplica servers, String queue, String waitTimeout) {
        return HostOptions.parse(HostSettings.builder()
                        .redisUrl(servers.masterUrl())
                        .queue(queue)
                        .pluginsDir(TestHosts.pluginsDirWith(temp, "fixtures.jar"))
                        .cacheDir(temp.resolve("cache"))
                        .workers(2)
                        .hostId("host-" + queue)
                        .parkUnknownFor(Duration.ZERO)
                        .workerSandbox(SandboxMode.OFF),
                "--redis-wait-replicas", "1", "--redis-wait-timeout", waitTimeout);
    }

    private List<String> warnings() {
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
