package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.HttpProbe;
import io.taskhost.host.testing.PrometheusText;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a host running real tasks in real worker JVMs, read with a strict parser of
 * the exposition format. Each test uses operations of its own, so their counts do not mix.
 */
class MetricsEndpointTest {

    private static final String FIXTURES = "fixtures";

    @TempDir
    static Path temp;

    static Host host;
    static QueueProbe queue;
    static HttpProbe http;
    static String queueKey;

    @BeforeAll
    static void startHost() {
        queueKey = TestHosts.uniqueQueue();
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--max-attempts", "2",
                "--http-port", Integer.toString(TestHosts.freePort())));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
        http = new HttpProbe(host.httpAddress().orElseThrow());
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
        queue.close();
    }

    @Test
    void eachOutcomeIsCountedByPluginOperationOutcomeAndDisposition() {
        for (int i = 0; i < 3; i++) {
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
        }
        queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\"}");
        queue.push("not json");
        queue.push("{\"worker\":\"no_such_operation\",\"class\":\"Fixtures\"}");
        queue.push("{\"worker\":\"x\",\"class\":\"NoSuchClass\"}");

        PrometheusText metrics = Eventually.value(QueueProbe.DEADLINE, "the eight outcomes counted", () -> {
            PrometheusText scraped = http.metrics();
            return scraped.sum("taskhost_tasks_total", Map.of("operation", "Fixtures.noop")) == 3
                    && scraped.sum("taskhost_tasks_total", Map.of("operation", "Fixtures.fail")) == 2
                    && scraped.sum("taskhost_tasks_total", Map.of("outcome", "unknown_operation")) == 1
                    && scraped.sum("taskhost_tasks_total", Map.of("plugin", "none")) == 2 ? scraped : null;
        });
        assertEquals("counter", metrics.family("taskhost_tasks_total").type());
        assertEquals(3, tasks(metrics, FIXTURES, "Fixtures.noop", "passed", "completed"));
        assertEquals(1, tasks(metrics, FIXTURES, "Fixtures.fail", "exception", "retry_scheduled"));
        assertEquals(1, tasks(metrics, FIXTURES, "Fixtures.fail", "exception", "dead_lettered"));
        assertEquals(1, tasks(metrics, FIXTURES, "none", "unknown_operation", "dead_lettered"),
                "a made-up worker name never becomes a label value");
        assertEquals(1, tasks(metrics, "none", "none", "bad_payload", "dead_lettered"));
        assertEquals(1, tasks(metrics, "none", "none", "unknown_class", "dead_lettered"));
        assertTrue(metrics.samples("taskhost_tasks_total").stream()
                .allMatch(sample -> queueKey.equals(sample.labels().get("queue"))), "every series names its queue");

        assertEquals("histogram", metrics.family("taskhost_operation_duration_seconds").type());
        assertEquals(3, metrics.value("taskhost_operation_duration_seconds_count",
                Map.of("operation", "Fixtures.noop", "outcome", "passed")));
        assertEquals(2, metrics.value("taskhost_operation_duration_seconds_count",
                Map.of("operation", "Fixtures.fail", "outcome", "exception")));
        assertEquals(0, metrics.sum("taskhost_operation_duration_seconds_count", Map.of("plugin", "none")),
                "only an operation that ran has a duration");

        assertEquals("histogram", metrics.family("taskhost_task_turnaround_seconds").type());
        assertEquals(3, metrics.value("taskhost_task_turnaround_seconds_count",
                Map.of("operation", "Fixtures.noop", "outcome", "passed")));
        assertEquals(2, metrics.value("taskhost_task_turnaround_seconds_count",
                Map.of("operation", "Fixtures.fail", "outcome", "exception")));
        assertEquals(2, metrics.sum("taskhost_task_turnaround_seconds_count", Map.of("plugin", "none")));
        double noopSeconds = metrics.value("taskhost_task_turnaround_seconds_sum", Map.of("operation", "Fixtures.noop"));
        assertTrue(noopSeconds > 0, "three worker JVMs take time: " + noopSeconds);

        assertEquals("histogram", metrics.family("taskhost_worker_startup_seconds").type());
        assertTrue(metrics.value("taskhost_worker_startup_seconds_count", Map.of("plugin", FIXTURES)) >= 5,
                "one start-up per worker JVM that reported");
        assertTrue(metrics.samples("taskhost_worker_startup_seconds_bucket").size() > 2,
                "start-up times land in buckets finer than +Inf alone");

        Eventually.within(QueueProbe.DEADLINE, "the dead letters gauge at 4",
                () -> http.metrics().value("taskhost_dead_letters", Map.of()) == 4);
    }

    @Test
    void gaugesShowTheQueueAsRedisHasItWhenScraped() throws IOException {
        Path pids = Files.createDirectories(temp.resolve("pids"));
        // crash_once waits to be killed on its first run: it holds a worker slot until the test lets go.
        List<Path> pidFiles = List.of(pids.resolve("a"), pids.resolve("b"));
        for (Path pidFile : pidFiles) {
            queue.push("{\"worker\":\"crash_once\",\"class\":\"Fixtures\",\"params\":{\"pidFile\":\"" + pidFile + "\"}}");
        }
        List<Long> workerPids = Eventually.value(QueueProbe.DEADLINE, "both slots busy", () -> {
            List<Long> written = pidFiles.stream().map(MetricsEndpointTest::pidIn).filter(pid -> pid != null).toList();
            return written.size() == pidFiles.size() ? written : null;
        });
        queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"waiting\":true}}");
        long giveUpLater = System.currentTimeMillis() + 3_600_000;
        queue.redis().zadd(queue.keys().retries(), giveUpLater, "{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
        queue.redis().zadd(queue.keys().parked(), giveUpLater, "id:{\"worker\":\"x\",\"class\":\"Later\"}");
        try {
            Eventually.within(QueueProbe.DEADLINE, "two in flight, one waiting, one retry, one parked", () -> {
                PrometheusText metrics = http.metrics();
                return metrics.value("taskhost_tasks_in_flight", Map.of()) == 2
                        && metrics.value("taskhost_queue_depth", Map.of()) == 1
                        && metrics.value("taskhost_retries_waiting", Map.of()) == 1
                        && metrics.value("taskhost_tasks_parked", Map.of()) == 1;
            });
            PrometheusText metrics = http.metrics();
            for (String gauge : List.of("taskhost_tasks_in_flight", "taskhost_queue_depth", "taskhost_retries_waiting",
                    "taskhost_tasks_parked", "taskhost_dead_letters", "taskhost_idle_workers")) {
                assertEquals("gauge", metrics.family(gauge).type(), gauge);
            }
        } finally {
            queue.redis().del(queue.keys().retries(), queue.keys().parked());
            workerPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        }
        queue.awaitOutcomes("crash_once", 4);
        queue.awaitOutcome("echo");
        Eventually.within(QueueProbe.DEADLINE, "nothing in flight",
                () -> http.metrics().value("taskhost_tasks_in_flight", Map.of()) == 0);
    }

    private static Long pidIn(Path pidFile) {
        try {
            return Long.valueOf(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException notYetWritten) {
            return null;
        }
    }

    private static double tasks(PrometheusText metrics, String plugin, String operation, String outcome,
                                String disposition) {
        return metrics.value("taskhost_tasks_total", Map.of("plugin", plugin, "operation", operation, "outcome",
                outcome, "disposition", disposition));
    }
}
