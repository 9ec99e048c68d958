package io.taskhost.host.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * A real redis-server, shipped inside the embedded-redis jar, started on a free loopback port.
 * It lets {@code taskhost run --redis embedded} work on a machine with no Redis installed.
 * It keeps nothing on disk.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** @param port the port to listen on, or 0 for any free port */
    public static EmbeddedRedis start(int port) {
        return start(port, null);
    }

    /**
     * A replica of {@code master} on a free port, for the benchmark's runs against a master with
     * replicas; it has the master's data once the master lists it as online.
     */
    public static EmbeddedRedis startReplicaOf(EmbeddedRedis master) {
        return start(0, master);
    }

    /**
     * A node of a Redis Cluster still to be formed, on a free port, for the benchmark's Cluster
     * runs; it writes its cluster state file into {@code stateDirectory}.
     */
    public static EmbeddedRedis startClusterNode(Path stateDirectory) {
        return start(0, null, stateDirectory);
    }

    private static EmbeddedRedis start(int port, EmbeddedRedis master) {
        return start(port, master, null);
    }

    private static EmbeddedRedis start(int port, EmbeddedRedis master, Path clusterStateDirectory) {
        port = port == 0 ? freePort() : port;
        try {
            boolean clustered = clusterStateDirectory != null;
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    // A replica syncs over the socket alone: no file in the working directory, on either side.
                    .setting("repl-diskless-sync yes")
                    .setting("repl-diskless-sync-delay 0")
                    .setting("repl-diskless-load on-empty-db")
                    .settingIf(master != null, master == null ? "" : "replicaof 127.0.0.1 " + master.port)
                    .settingIf(clustered, "cluster-enabled yes")
                    .settingIf(clustered, clustered
                            ? "cluster-config-file " + clusterStateDirectory.resolve("nodes-" + port + ".conf") : "")
                    .build();
            server.start();
            return new EmbeddedRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded redis-server on port " + port, e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded redis-server on port " + port, e);
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port for the embedded redis-server", e);
        }
    }
}
