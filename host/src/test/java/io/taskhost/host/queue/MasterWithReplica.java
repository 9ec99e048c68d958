package io.taskhost.host.queue;

import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.TestHosts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A redis-server and one replica of it, each on a free port and in a process of this test's own;
 * the replica can be frozen with {@code SIGSTOP}, which keeps its connection open but stops its
 * acknowledgements, as a replica stuck in a long fork or a swap storm would.
 */
final class MasterWithReplica implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(30);

    private final List<Process> processes = new ArrayList<>();
    /** Where the servers would write a file; they sync without one (diskless), but a crash might leave one. */
    private final Path dir;
    private final int masterPort;
    private final int replicaPort;
    private Process master;
    private Process replica;

    private MasterWithReplica(Path dir, int masterPort, int replicaPort) {
        this.dir = dir;
        this.masterPort = masterPort;
        this.replicaPort = replicaPort;
    }

    static MasterWithReplica start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("master-with-replica-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var pair = new MasterWithReplica(dir, TestHosts.freePort(), TestHosts.freePort());
        try {
            pair.master = pair.launch(pair.masterPort);
            pair.replica = pair.launch(pair.replicaPort, "--replicaof", "127.0.0.1", Integer.toString(pair.masterPort));
            Eventually.within(START, "the replica on port " + pair.replicaPort + " in sync with its master",
                    pair::replicaOnline);
            return pair;
        } catch (RuntimeException | Error e) {
            pair.close();
            throw e;
        }
    }

    String masterUrl() {
        return "redis://127.0.0.1:" + masterPort;
    }

    UnifiedJedis master() {
        return RedisClient.create(URI.create(masterUrl()));
    }

    /**
     * A client whose pool hands out its two connections in turn, each idle since before the test's
     * writes. Redis's WAIT waits for what the master held at its connection's previous command, so
     * a WAIT sent apart from its write goes down the other connection, whose previous command came
     * before the write, and returns at once without waiting for it.
     */
    UnifiedJedis masterConnectionsInTurn() {
        var pool = new GenericObjectPoolConfig<Connection>();
        pool.setLifo(false);
        pool.setMaxTotal(2);
        UnifiedJedis client = RedisClient.builder().hostAndPort("127.0.0.1", masterPort).poolConfig(pool).build();
        try (AbstractPipeline holdingOne = client.pipelined()) {
            holdingOne.exists("warming");
            client.exists("warming");
            holdingOne.sync();
        }
        return client;
    }

    UnifiedJedis replica() {
        return RedisClient.create(URI.create("redis://127.0.0.1:" + replicaPort));
    }

    /** The replica stops: it keeps its connection to the master, and acknowledges nothing. */
    void freezeReplica() {
        signalReplica("-STOP");
    }

    void thawReplica() {
        signalReplica("-CONT");
    }

    /**
     * The replica stops following the master and becomes a master itself, as Sentinel or Cluster
     * promote one: whatever the old master writes from now on, the replica never has.
     */
    void promoteReplica() {
        try (UnifiedJedis promoted = replica()) {
            promoteTo(promoted);
        }
    }

    /**
     * The rest of the failover: SIGKILL for the old master, and a new server at its address that
     * copies the promoted replica and is promoted in turn, so that clients of the master's URL find
     * the new master where the old one was, with the replica's data and nothing the old master
     * wrote after the promotion.
     */
    void killMasterAndServeTheReplicaInItsPlace() {
        master.destroyForcibly();
        try {
            master.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        master = launch(masterPort, "--replicaof", "127.0.0.1", Integer.toString(replicaPort));
        try (UnifiedJedis copy = RedisClient.create(URI.create(masterUrl()))) {
            Eventually.within(START, "the new master on port " + masterPort + " has copied the replica", () -> {
                String replication = copy.info("replication");
                return replication.contains("master_link_status:up") && replication.contains("master_sync_in_progress:0");
            });
            promoteTo(copy);
        }
    }

    private static void promoteTo(UnifiedJedis server) {
        server.sendCommand(Protocol.Command.REPLICAOF, "NO", "ONE");
    }

    private boolean replicaOnline() {
        try (UnifiedJedis master = master()) {
            String replication = master.info("replication");
            return replication.contains("connected_slaves:1") && replication.contains("state=online");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void signalReplica(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(replica.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + replica.pid() + " exited " + kill.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Process launch(int port, String... extra) {
        List<String> command = new ArrayList<>(List.of(redisServer().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--repl-diskless-load", "on-empty-db"));
        command.addAll(List.of(extra));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            processes.add(process);
            Eventually.within(START, "redis-server on port " + port + " answers PING", () -> {
                try (UnifiedJedis client = RedisClient.create(URI.create("redis://127.0.0.1:" + port))) {
                    return "PONG".equals(client.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** The redis-server on the PATH, else the one bundled in the embedded-redis jar. */
    private static Path redisServer() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "redis-server");
            if (!directory.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        try {
            return redis.embedded.core.ExecutableProvider.newJarResourceProvider().get().toPath();
        } catch (IOException e) {
            throw new UncheckedIOException("no redis-server on the PATH and none could be unpacked", e);
        }
    }

    @Override
    public void close() {
        if (replica != null && replica.isAlive()) {
            thawReplica();
        }
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
