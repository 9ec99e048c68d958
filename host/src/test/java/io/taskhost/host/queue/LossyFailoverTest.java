package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.Host;
import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;

/**
 * A failover that loses the master's last writes, as Redis's asynchronous replication allows: the
 * replica is promoted while the host goes on fetching and recording on the old master, then the old
 * master dies and the replica takes over at its address. What the replica never had is gone, so
 * those tasks run again; none is lost, and none stays in the processing list.
 */
@Timeout(300)
class LossyFailoverTest {

    private static final int TASKS = 10;
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    @Test
    void aFailoverThatLosesTheMastersLastWritesRunsTheirTasksAgainAndLosesNone() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        String queueKey = TestHosts.uniqueQueue();
        String processing = new QueueKeys(queueKey).processing("host-" + queueKey);
        try (var servers = MasterWithReplica.start();
             Host host = Host.start(settings(servers, queueKey));
             UnifiedJedis replica = servers.replica()) {
            Set<String> recordedBeforeTheFailover;
            try (var master = new QueueProbe(servers.master(), queueKey)) {
                for (int seq = 0; seq < TASKS; seq++) {
                    master.push("{\"worker\":\"mark\",\"class\":\"Fixtures\",\"params\":{\"dir\":\"" + marks
                            + "\",\"seq\":" + seq + ",\"millis\":300}}");
                }
                Eventually.within(DEADLINE, "two tasks recorded, and the replica has their records",
                        () -> replica.llen(master.keys().outcomes()) >= 2);
                servers.promoteReplica();
                int replicated = passed(master).size();
                Eventually.within(DEADLINE, "two more tasks recorded on the old master alone",
                        () -> passed(master).size() >= replicated + 2);
                recordedBeforeTheFailover = passed(master);
            }

            servers.killMasterAndServeTheReplicaInItsPlace();

            try (var newMaster = new QueueProbe(servers.master(), queueKey);
                 var formerReplica = new QueueProbe(servers.replica(), queueKey)) {
                // The former replica kept what it had; the new master started from a copy of it.
                Set<String> lost = new TreeSet<>(recordedBeforeTheFailover);
                lost.removeAll(passed(formerReplica));
                assertFalse(lost.isEmpty(), "the failover lost records: " + recordedBeforeTheFailover);

                Eventually.within(DEADLINE, "every task recorded on the new master",
                        () -> passed(newMaster).size() == TASKS);
                Eventually.within(DEADLINE, "nothing left in the processing list",
                        () -> newMaster.redis().llen(processing) == 0);
                Map<String, Integer> runs = runs(marks);
                assertEquals(TASKS, runs.size(), "every task ran: " + runs);
                for (String seq : lost) {
                    assertTrue(runs.get(seq) >= 2, "task " + seq + ", whose record the failover lost, ran again: " + runs);
                }
            }
        }
    }

    private HostSettings settings(MasterWithReplica servers, String queue) {
        return HostOptions.parse(HostSettings.builder()
                .redisUrl(servers.masterUrl())
                .queue(queue)
                .pluginsDir(TestHosts.pluginsDirWith(temp, "fixtures.jar"))
                .cacheDir(temp.resolve("cache"))
                .workers(2)
                .hostId("host-" + queue)
                .parkUnknownFor(Duration.ZERO)
                .workerSandbox(SandboxMode.OFF));
    }

    /** The seqs of the passed outcome records, each once. */
    private static Set<String> passed(QueueProbe queue) {
        try {
            return queue.outcomes().stream().filter(outcome -> "passed".equals(outcome.path("status").asText()))
                    .map(outcome -> outcome.path("result").asText()).collect(Collectors.toCollection(HashSet::new));
        } catch (RuntimeException redisBetweenMasters) {
            return Set.of();
        }
    }

    /** seq to the number of runs that finished it. */
    private static Map<String, Integer> runs(Path marks) {
        Map<String, Integer> runs = new TreeMap<>();
        try (Stream<Path> files = Files.list(marks)) {
            files.forEach(file -> runs.merge(file.getFileName().toString().split("\\.")[0], 1, Integer::sum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runs;
    }
}
