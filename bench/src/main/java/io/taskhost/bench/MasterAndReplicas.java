package io.taskhost.bench;

import io.taskhost.host.queue.EmbeddedRedis;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** A bundled redis-server and {@code replicas} replicas of it, each on a free loopback port, in sync before use. */
final class MasterAndReplicas implements AutoCloseable {

    private static final Duration SYNC = Duration.ofSeconds(30);

    private final EmbeddedRedis master;
    private final List<EmbeddedRedis> replicas = new ArrayList<>();

    private MasterAndReplicas(EmbeddedRedis master) {
        this.master = master;
    }

    static MasterAndReplicas start(int replicas) {
        var servers = new MasterAndReplicas(EmbeddedRedis.start(0));
        try {
            for (int i = 0; i < replicas; i++) {
                servers.replicas.add(EmbeddedRedis.startReplicaOf(servers.master));
            }
            servers.awaitOnline(replicas);
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    String url() {
        return master.url();
    }

    /** {@code redis_version} of the master, for the report. */
    String version() {
        try (UnifiedJedis client = RedisClient.create(URI.create(url()))) {
            return RedisBench.version(client);
        }
    }

    private void awaitOnline(int count) {
        long deadline = System.nanoTime() + SYNC.toNanos();
        try (UnifiedJedis client = RedisClient.create(URI.create(url()))) {
            while (true) {
                String replication = client.info("replication");
                long online = replication.lines().filter(line -> line.startsWith("slave") && line.contains("state=online"))
                        .count();
                if (online >= count) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + online + " of " + count + " replica(s) in sync after "
                            + SYNC + ": " + replication);
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }
    }

    @Override
    public void close() {
        replicas.forEach(EmbeddedRedis::close);
        master.close();
    }
}
