package io.taskhost.bench;

import io.taskhost.host.queue.EmbeddedRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster of bundled redis-servers for the benchmark, masters only: the slots are split
 * evenly, one range per master, and the nodes meet by {@code CLUSTER MEET}, so that no
 * {@code redis-cli} is needed. Replicas would only add copies, not throughput.
 */
final class BundledCluster implements AutoCloseable {

    private static final int SLOTS = 16384;
    private static final Duration FORMING = Duration.ofSeconds(60);

    private final Path stateDirectory;
    private final List<EmbeddedRedis> masters = new ArrayList<>();

    private BundledCluster(Path stateDirectory) {
        this.stateDirectory = stateDirectory;
    }

    static BundledCluster start(int masters, Path work) throws IOException {
        var cluster = new BundledCluster(Files.createTempDirectory(work, "cluster-"));
        try {
            for (int i = 0; i < masters; i++) {
                cluster.masters.add(EmbeddedRedis.startClusterNode(cluster.stateDirectory));
            }
            cluster.form();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    String url() {
        return "redis-cluster://" + masters.stream().map(node -> "127.0.0.1:" + node.port())
                .collect(Collectors.joining(","));
    }

    /** Plain URLs of the masters, to read each one's {@code INFO}. */
    List<String> nodeUrls() {
        return masters.stream().map(EmbeddedRedis::url).toList();
    }

    /** The first queue name of the form {@code prefix-N} whose slot master {@code index} holds. */
    String queueOn(int index, String prefix) {
        for (int n = 0; ; n++) {
            String queue = prefix + "-" + n;
            if (masterOf(JedisClusterCRC16.getSlot(queue)) == index) {
                return queue;
            }
        }
    }

    int masters() {
        return masters.size();
    }

    private int masterOf(int slot) {
        return slot * masters.size() / SLOTS;
    }

    private void form() {
        EmbeddedRedis first = masters.get(0);
        for (int i = 0; i < masters.size(); i++) {
            int index = i;
            try (var node = new Jedis("127.0.0.1", masters.get(i).port())) {
                node.clusterAddSlots(IntStream.range(0, SLOTS).filter(slot -> masterOf(slot) == index).toArray());
                if (i > 0) {
                    node.clusterMeet("127.0.0.1", first.port());
                }
            }
        }
        long deadline = System.nanoTime() + FORMING.toNanos();
        while (!formed()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the benchmark's Redis Cluster of " + masters.size()
                        + " masters did not form within " + FORMING);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private boolean formed() {
        for (EmbeddedRedis master : masters) {
            try (var node = new Jedis("127.0.0.1", master.port())) {
                String info = node.clusterInfo();
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + masters.size())) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        masters.forEach(EmbeddedRedis::close);
        try (var files = Files.list(stateDirectory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(stateDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the benchmark cluster's state in " + stateDirectory, e);
        }
    }
}
