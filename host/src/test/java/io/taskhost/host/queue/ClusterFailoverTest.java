package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.Host;
import io.taskhost.host.cli.Main;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.RedisClusterBed;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import redis.clients.jedis.HostAndPort;

/**
 * Hosts on a real 3-master Redis Cluster whose master dies ({@code kill -9}) or freezes
 * ({@code SIGSTOP}) in the middle of a burst: every task passes at least once, a task runs twice
 * only if it was in flight at the failing moment, and the hosts go on taking tasks.
 */
class ClusterFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverTest.class);
    private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(90);
    /** Short, so that a fetch blocked on a frozen master gives up after 1 s + 5 s. */
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(1);
    private static final int SLOTS = 2;
    private static final int BURST = 60;
    private static final int AFTER_FAILOVER = 10;

    /**
     * The most passed outcomes beyond the first that one host on the failing master's slot may
     * cause. An outcome record is written by one Lua script together with the removal of its
     * processing entry, and a replica applies a script's writes all or nothing, so a second
     * outcome of a task needs a second attempt whose first record survived: only a task the host
     * held at the failing moment gets one. It holds at most one task per slot, whose record may
     * have been applied and replicated while its reply was lost, plus the one fetch under way
     * (whose entry may come back and be put on the queue again). The producer adds one: its
     * single push in flight when the master died may have been applied before it is sent again.
     */
    private static final long DUPLICATES_BOUND = SLOTS + 1 + 1;

    @TempDir
    static Path temp;

    private static RedisClusterBed cluster;
    private static Path plugins;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterBed.start();
        plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMasterKilledMidBurstCostsNoTaskAndTheHostsGoOn() throws Exception {
        cluster.awaitHealthy(FAILOVER_DEADLINE);
        String failing = TestHosts.uniqueQueue();
        HostAndPort oldMaster = cluster.masterOf(failing);
        String steady = queueNotOn(oldMaster);
        assertNotEquals(oldMaster, cluster.masterOf(steady));
        var failingQueue = new QueueProbe(cluster.client(), failing);
        var steadyQueue = new QueueProbe(cluster.client(), steady);
        var failingBurst = new FailoverBurst(failingQueue);
        var steadyBurst = new FailoverBurst(steadyQueue);
        try (Host failingHost = TestHosts.start(settings(failing, 5));
             Host steadyHost = TestHosts.start(settings(steady, 5))) {
            failingBurst.push(BURST / 2);
            steadyBurst.push(BURST);
            Eventually.within(QueueProbe.DEADLINE, "the burst under way on both queues",
                    () -> failingQueue.outcomes().size() >= 5 && steadyQueue.outcomes().size() >= 5);

            cluster.kill9(oldMaster);
            // The producer goes on through the outage: its client retries on the new master.
            failingBurst.push(BURST / 2);
            HostAndPort newMaster = cluster.awaitFailoverOf(failing, oldMaster, FAILOVER_DEADLINE);
            failingBurst.push(AFTER_FAILOVER);
            steadyBurst.push(AFTER_FAILOVER);

            Map<Integer, Long> failingRuns = failingBurst.awaitAllPassed(QueueProbe.DEADLINE);
            Map<Integer, Long> steadyRuns = steadyBurst.awaitAllPassed(QueueProbe.DEADLINE);
            LOG.info("{} killed, {} took over: {} duplicates on its queue, {} on the other, {} pushes retried",
                    oldMaster, newMaster, FailoverBurst.duplicates(failingRuns), FailoverBurst.duplicates(steadyRuns),
                    failingBurst.pushesRetried());
            assertTrue(FailoverBurst.duplicates(failingRuns) <= DUPLICATES_BOUND, failingRuns.toString());
            assertTrue(FailoverBurst.duplicates(steadyRuns) <= DUPLICATES_BOUND, steadyRuns.toString());
            assertTakesTasks(failingQueue, failingBurst);
            assertTakesTasks(steadyQueue, steadyBurst);
        } finally {
            cluster.restart(oldMaster);
            cluster.awaitHealthy(FAILOVER_DEADLINE);
        }
    }

    @Test
    void aMasterFrozenPastTheFetchTimeoutHangsNoSlot() throws Exception {
        cluster.awaitHealthy(FAILOVER_DEADLINE);
        String queueKey = TestHosts.uniqueQueue();
        HostAndPort frozen = cluster.masterOf(queueKey);
        var queue = new QueueProbe(cluster.client(), queueKey);
        var burst = new FailoverBurst(queue);
        try (Host host = TestHosts.start(settings(queueKey, 5))) {
            burst.push(BURST / 2);
            Eventually.within(QueueProbe.DEADLINE, "the burst under way", () -> queue.outcomes().size() >= 5);
            // Redis replicates asynchronously: what the master has not sent when it freezes is lost to the
            // failover, producer's pushes included, which no host can help without --redis-wait-replicas.
            Eventually.within(QueueProbe.DEADLINE, "the burst so far on the master's replica",
                    () -> queue.redis().waitReplicas(queueKey, 1, 1000) >= 1);

            cluster.freeze(frozen);
            try {
                burst.push(BURST / 2);
                cluster.awaitFailoverOf(queueKey, frozen, FAILOVER_DEADLINE);
                burst.push(AFTER_FAILOVER);
                // Still frozen: the fetch and records blocked on it must have given up on their own.
                Map<Integer, Long> runs = burst.awaitAllPassed(QueueProbe.DEADLINE);
                LOG.info("{} frozen: {} duplicates, {} pushes retried", frozen, FailoverBurst.duplicates(runs),
                        burst.pushesRetried());
                assertTrue(FailoverBurst.duplicates(runs) <= DUPLICATES_BOUND, runs.toString());
            } finally {
                cluster.thaw(frozen);
            }
            cluster.awaitHealthy(FAILOVER_DEADLINE);

            assertTakesTasks(queue, burst);
        }
    }

    @Test
    void statusAndFailedListWorkAgainstTheCluster() throws Exception {
        cluster.awaitHealthy(FAILOVER_DEADLINE);
        String queueKey = TestHosts.uniqueQueue();
        var queue = new QueueProbe(cluster.client(), queueKey);
        try (Host host = TestHosts.start(settings(queueKey, 1))) {
            queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\",\"params\":{\"message\":\"on purpose\"}}");
            String deadId = Eventually.value(QueueProbe.DEADLINE, "the failing task dead-lettered",
                    () -> queue.deadIds().isEmpty() ? null : queue.deadIds().get(0));

            assertStatusAndFailedList(cluster.url(), queueKey, deadId);
        }
    }

    static void assertStatusAndFailedList(String url, String queueKey, String deadId) throws Exception {
        Result status = taskhost("status", "--json", "--redis", url, "--queue", queueKey);
        assertEquals(0, status.code(), status.err());
        JsonNode json = new ObjectMapper().readTree(status.out());
        assertEquals(1, json.path("counters").path("dead").asLong(), status.out());
        assertEquals("host-" + queueKey, json.path("hosts").get(0).path("id").asText(), status.out());

        Result failed = taskhost("failed", "list", "--redis", url, "--queue", queueKey);
        assertEquals(0, failed.code(), failed.err());
        assertEquals(1, failed.out().lines().count(), failed.out());
        assertTrue(failed.out().startsWith(deadId + "  "), failed.out());
        assertTrue(failed.out().contains("Fixtures.fail  exception"), failed.out());
    }

    /** A task pushed now is run, by the host that was there all along: its fetch loop is alive. */
    static void assertTakesTasks(QueueProbe queue, FailoverBurst burst) {
        burst.push(1);
        burst.awaitAllPassed(QueueProbe.DEADLINE);
        int seq = burst.pushed() - 1;
        JsonNode latest = queue.outcomes().stream().filter(o -> o.path("result").path("seq").asInt(-1) == seq)
                .findFirst().orElseThrow();
        assertEquals("host-" + queue.keys().queue(), latest.path("host").asText(), latest.toString());
    }

    private static HostSettings settings(String queueKey, int maxAttempts) {
        return TestHosts.builder(TestRedis.shared(), queueKey, plugins, temp.resolve("cache-" + queueKey))
                .redisUrl(cluster.url())
                .fetchTimeout(FETCH_TIMEOUT)
                .workers(SLOTS)
                .maxAttempts(maxAttempts)
                .build();
    }

    private static String queueNotOn(HostAndPort master) {
        return Eventually.value(Duration.ofSeconds(10), "a queue name whose slot is not on " + master, () -> {
            String candidate = TestHosts.uniqueQueue();
            return master.equals(cluster.masterOf(candidate)) ? null : candidate;
        });
    }

    record Result(int code, String out, String err) {
    }

    static Result taskhost(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
