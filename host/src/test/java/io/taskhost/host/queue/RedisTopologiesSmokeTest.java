package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.status.QueueCounts;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The Sentinel and Cluster URL forms against real redis-server processes: a host runs tasks from a
 * 3-master cluster, and a client of the master that a sentinel names gets the URL's database and
 * gives the sentinel the password only when the URL says so. No failover here (see the failover
 * tests).
 *
 * <p>TODO(integration): {@link Servers} is this class's own tiny process helper. It stays until
 * {@code RedisSentinelBed} can start a master and sentinels that require a password, which the
 * Sentinel tests here need; the failover tests ({@code ClusterFailoverTest},
 * {@code SentinelFailoverTest}) use the shared beds.
 */
class RedisTopologiesSmokeTest {

    private static final String PASSWORD = "pa:ss@w/rd";
    private static final String ENCODED_PASSWORD = "pa%3Ass%40w%2Frd";
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path temp;

    private static Servers servers;
    private static String clusterNodes;
    private static int masterPort;
    private static int sentinelPort;

    @BeforeAll
    static void startServers() throws Exception {
        servers = new Servers(temp);
        List<Integer> ports = List.of(servers.clusterNode(), servers.clusterNode(), servers.clusterNode());
        servers.createCluster(ports);
        // Two of the three: the client learns the third from them.
        clusterNodes = "127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1);
        masterPort = servers.master(PASSWORD);
        sentinelPort = servers.sentinel("mymaster", masterPort, PASSWORD);
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void aHostRunsTasksFromARedisClusterAndReadsItsCountsInOnePipeline() throws Exception {
        String url = "redis-cluster://" + clusterNodes;
        String queueKey = TestHosts.uniqueQueue();
        try (UnifiedJedis redis = RedisConnector.connect(url, FETCH_TIMEOUT, 2);
             var queue = new QueueProbe(redis, queueKey);
             Host host = TestHosts.start(TestHosts.builder(TestRedis.shared(), queueKey,
                     TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"))
                     .redisUrl(url).fetchTimeout(FETCH_TIMEOUT).build())) {
            for (int n = 0; n < 3; n++) {
                queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"n\":" + n + "}}");
            }

            List<JsonNode> outcomes = queue.awaitOutcomes(3);

            outcomes.forEach(outcome -> assertEquals("passed", outcome.path("status").asText(), outcome.toString()));
            QueueCounts counts = QueueCounts.read(redis, queue.keys());
            assertEquals(3L, counts.stats().get("passed"));
            assertEquals(0, counts.queue());
            assertEquals(0, redis.llen(queue.keys().processing("host-" + queueKey)));
        }
    }

    @Test
    void keysOfOneCommandInTwoSlotsAreATaskhostBugNotAnOutage() {
        try (UnifiedJedis redis = RedisConnector.connect("redis-cluster://" + clusterNodes, FETCH_TIMEOUT, 2)) {
            var failure = assertThrows(JedisClusterOperationException.class,
                    () -> redis.eval("return 1", List.of("task_queue", "jobs"), List.of()));

            assertFalse(RedisFailures.isOutage(failure), failure.toString());
        }
    }

    @Test
    void theMasterSentinelNamesIsUsedWithTheUrlsDatabaseAndCredentials() {
        String queueKey = TestHosts.uniqueQueue();
        String url = "redis-sentinel://:" + ENCODED_PASSWORD + "@127.0.0.1:" + sentinelPort
                + "/3?sentinel-auth=yes#mymaster";
        try (UnifiedJedis redis = RedisConnector.connect(url, FETCH_TIMEOUT, 2);
             UnifiedJedis direct = RedisClient.builder().fromURI("redis://:" + ENCODED_PASSWORD + "@127.0.0.1:"
                     + masterPort + "/3").build()) {
            redis.lpush(queueKey, "a task");

            assertEquals(List.of("a task"), direct.lrange(queueKey, 0, -1), "in database 3 of the master");
            assertEquals("a task", redis.blmove(queueKey, queueKey, ListDirection.RIGHT, ListDirection.RIGHT, 1.0));
            assertNull(redis.blmove(queueKey + ":empty", queueKey + ":empty", ListDirection.RIGHT,
                    ListDirection.RIGHT, 1.0), "a blocking command waits its timeout, then answers");
        }
    }

    @Test
    void theSentinelsGetThePasswordOnlyWhenTheUrlSaysSo() {
        String url = "redis-sentinel://:" + ENCODED_PASSWORD + "@127.0.0.1:" + sentinelPort + "#mymaster";

        // This sentinel requires a password: without it, it names no master.
        assertThrows(JedisConnectionException.class, () -> RedisConnector.connect(url, FETCH_TIMEOUT, 2).close());
    }

    @Test
    void aMasterTheSentinelsDoNotWatchIsRefusedAtStartNotWaitedFor() {
        String url = "redis-sentinel://:" + ENCODED_PASSWORD + "@127.0.0.1:" + sentinelPort
                + "?sentinel-auth=yes#nosuchmaster";

        var failure = assertThrows(IllegalStateException.class, () -> RedisConnector.connectWhenReachable(url,
                RedisSecurity.NONE, FETCH_TIMEOUT, 2, () -> false));

        assertTrue(failure.getMessage().contains("nosuchmaster seems to be not monitored"), failure.getMessage());
        assertFalse(failure.getMessage().contains(PASSWORD) || failure.getMessage().contains(ENCODED_PASSWORD),
                failure.getMessage());
    }

    /** redis-server processes on free ports, killed on close. Only for this class: see the class comment. */
    private static final class Servers implements AutoCloseable {

        private final Path directory;
        private final List<Process> processes = new ArrayList<>();

        Servers(Path directory) {
            this.directory = directory;
        }

        int clusterNode() throws IOException {
            int port = freePort();
            Path node = Files.createDirectories(directory.resolve("node-" + port));
            start(node, "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000", "--cluster-replica-validity-factor", "0");
            awaitPong(port, null);
            return port;
        }

        void createCluster(List<Integer> ports) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            ports.forEach(port -> command.add("127.0.0.1:" + port));
            command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process create = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("cluster-create.log").toFile()).start();
            assertEquals(0, create.waitFor(), Files.readString(directory.resolve("cluster-create.log")));
            for (int port : ports) {
                Eventually.within(Duration.ofSeconds(30), "cluster_state:ok on port " + port, () -> {
                    try (UnifiedJedis node = RedisClient.create("127.0.0.1", port)) {
                        return text(node.sendCommand(Protocol.Command.CLUSTER, "INFO")).contains("cluster_state:ok");
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
            }
        }

        int master(String password) throws IOException {
            int port = freePort();
            Path data = Files.createDirectories(directory.resolve("master-" + port));
            start(data, "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--requirepass", password, "--masterauth", password);
            awaitPong(port, password);
            return port;
        }

        /** A sentinel that watches the master, and requires the same password itself. */
        int sentinel(String masterName, int masterPort, String password) throws IOException {
            int port = freePort();
            Path config = Files.createDirectories(directory.resolve("sentinel-" + port)).resolve("sentinel.conf");
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel auth-pass " + masterName + " " + password,
                    "sentinel down-after-milliseconds " + masterName + " 1000",
                    "requirepass " + password, ""));
            start(config.getParent(), "redis-server", config.toString(), "--sentinel");
            Eventually.within(Duration.ofSeconds(30), "the sentinel on port " + port + " to name " + masterName,
                    () -> {
                        try (UnifiedJedis sentinel = RedisClient.builder().hostAndPort("127.0.0.1", port)
                                .clientConfig(DefaultJedisClientConfig.builder().password(password)
                                        .build()).build()) {
                            return sentinel.sendCommand(Protocol.Command.SENTINEL,
                                    "get-master-addr-by-name", masterName) != null;
                        } catch (RuntimeException e) {
                            return false;
                        }
                    });
            return port;
        }

        private static String text(Object reply) {
            return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
        }

        private void start(Path workingDirectory, String... command) throws IOException {
            processes.add(new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                    .redirectOutput(workingDirectory.resolve("server.log").toFile()).start());
        }

        private static void awaitPong(int port, String password) {
            Eventually.within(Duration.ofSeconds(20), "redis-server on port " + port + " answers PING", () -> {
                try (UnifiedJedis client = RedisClient.builder().hostAndPort("127.0.0.1", port)
                        .clientConfig(DefaultJedisClientConfig.builder().password(password).build())
                        .build()) {
                    return "PONG".equals(client.ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }

        private static int freePort() {
            try (var socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
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
        }
    }
}
