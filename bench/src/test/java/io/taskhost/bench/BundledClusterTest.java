package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskhost.host.queue.ReplicaWait;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The benchmark's Cluster forms from bundled redis-servers alone, and its queues land one per master. */
class BundledClusterTest {

    private static final int TASKS_PER_QUEUE = 200;

    @TempDir
    Path work;

    @Test
    void eachQueueLivesOnAMasterOfItsOwnAndTheCeilingRunsEveryTaskOfEveryQueueOnce() throws Exception {
        try (BundledCluster cluster = BundledCluster.start(3, work)) {
            List<String> queues = List.of(cluster.queueOn(0, "q"), cluster.queueOn(1, "q"), cluster.queueOn(2, "q"));

            Set<Integer> owners = new HashSet<>();
            for (String queue : queues) {
                owners.add(ownerPort(cluster, JedisClusterCRC16.getSlot(queue)));
            }
            assertEquals(3, owners.size(), "three masters hold " + queues);

            ScriptCeiling.Result result = new ScriptCeiling().measure(cluster.url(), cluster.nodeUrls(), ReplicaWait.OFF,
                    queues, 1, TASKS_PER_QUEUE);
            assertEquals(3L * TASKS_PER_QUEUE, result.tasks());
        }
    }

    /** The port of the master holding {@code slot}, from {@code CLUSTER NODES} (6.2 has no CLUSTER SHARDS). */
    private static int ownerPort(BundledCluster cluster, int slot) {
        String any = cluster.nodeUrls().get(0);
        try (var node = new Jedis("127.0.0.1", Integer.parseInt(any.substring(any.lastIndexOf(':') + 1)))) {
            for (String line : node.clusterNodes().split("\n")) {
                String[] fields = line.trim().split(" ");
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length == 1 ? from : Integer.parseInt(range[1]);
                    if (from <= slot && slot <= to) {
                        String address = fields[1].substring(0, fields[1].indexOf('@'));
                        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                    }
                }
            }
        }
        throw new AssertionError("no master holds slot " + slot);
    }
}
