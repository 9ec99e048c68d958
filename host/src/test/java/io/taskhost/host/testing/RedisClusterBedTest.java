package io.taskhost.host.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

class RedisClusterBedTest {

    private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(90);

    private static RedisClusterBed cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterBed.start();
    }

    @AfterAll
    static void closingTheBedLeavesNoServerAndNoFile() {
        Set<Long> pids = cluster.pids();
        Set<HostAndPort> nodes = cluster.nodes();
        Path directory = cluster.directory();
        String mark = cluster.mark();

        cluster.close();

        pids.forEach(pid -> assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                "redis-server " + pid + " outlived its bed"));
        assertFalse(MarkedProcesses.anyRuns(mark), "a process of the bed still runs");
        nodes.forEach(node -> assertFalse(listens(node), node + " still listens"));
        assertFalse(Files.exists(directory), directory + " is left behind");
    }

    @Test
    void itIsAClusterOfThreeMastersAndThreeReplicasOnLoopbackPorts() {
        assertEquals(6, cluster.nodes().size());
        assertEquals(3, cluster.masters().size());
        assertTrue(cluster.nodes().containsAll(cluster.masters()));
        assertTrue(cluster.url().startsWith("redis-cluster://127.0.0.1:"), cluster.url());
        for (HostAndPort node : cluster.nodes()) {
            assertEquals("127.0.0.1", node.getHost());
            assertNotEquals(6379, node.getPort());
            assertTrue(cluster.url().contains("127.0.0.1:" + node.getPort()), cluster.url());
        }
    }

    @Test
    void aKeyWrittenThroughTheClientIsReadableAndServedByTheMasterOfItsSlot() {
        cluster.client().set("bed:written", "yes");

        assertEquals("yes", cluster.client().get("bed:written"));
        try (Jedis master = RedisProcess.probe(cluster.masterOf("bed:written"))) {
            assertEquals("yes", master.get("bed:written"));
        }
    }

    @Test
    void killingTheMasterOfAKeysSlotHandsTheSlotToItsReplicaAndTheRestartedMasterComesBackAsAReplica() {
        String key = "{task_queue}:bed-failover";
        cluster.client().set(key, "before");
        assertEquals(1, cluster.client().waitReplicas(key, 1, 10_000), "the replica acknowledged the write");
        HostAndPort oldMaster = cluster.masterOf(key);

        cluster.kill9(oldMaster);
        HostAndPort newMaster = cluster.awaitFailoverOf(key, oldMaster, FAILOVER_DEADLINE);

        assertNotEquals(oldMaster, newMaster);
        assertEquals(newMaster, cluster.masterOf(key));
        assertEquals("before", cluster.client().get(key));
        cluster.client().set(key, "after");
        assertEquals("after", cluster.client().get(key));

        cluster.restart(oldMaster);
        cluster.awaitHealthy(FAILOVER_DEADLINE);
        assertEquals(newMaster, cluster.masterOf(key));
        assertFalse(cluster.masters().contains(oldMaster), "the old master came back as a replica");
        assertEquals(3, cluster.masters().size());
    }

    @Test
    void aMasterFrozenPastTheNodeTimeoutLosesItsSlotToItsReplicaAndRejoinsAsAReplicaWhenThawed() {
        cluster.awaitHealthy(FAILOVER_DEADLINE);
        String key = "bed:frozen";
        HostAndPort oldMaster = cluster.masterOf(key);

        cluster.freeze(oldMaster);
        HostAndPort newMaster = cluster.awaitFailoverOf(key, oldMaster, FAILOVER_DEADLINE);
        cluster.client().set(key, "while frozen");
        cluster.thaw(oldMaster);

        cluster.awaitHealthy(FAILOVER_DEADLINE);
        assertEquals(newMaster, cluster.masterOf(key));
        assertFalse(cluster.masters().contains(oldMaster), "the thawed master came back as a replica");
        assertEquals("while frozen", cluster.client().get(key));
    }

    @Test
    void aBedThatCannotCreateItsClusterLeavesNoServerAndNoFile(@TempDir Path parent) throws IOException {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> RedisClusterBed.start(2, parent));

        assertTrue(failure.getMessage().contains("at least 3 master"), failure.getMessage());
        assertFalse(MarkedProcesses.anyRuns(parent.toRealPath().toString()), "a server of the failed bed still runs");
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(0, left.count(), "files of the failed bed are left behind");
        }
    }

    private static boolean listens(HostAndPort node) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
