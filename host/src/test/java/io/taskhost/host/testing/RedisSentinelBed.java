package io.taskhost.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real Redis Sentinel set on loopback ports, for tests: a master, a replica of it, and three
 * sentinels that watch it under {@link #MASTER_NAME} with a quorum of two, in a temporary
 * directory of their own. A master that has not answered for {@value #DOWN_AFTER_MILLIS} ms is
 * replaced; {@link #failover()} replaces it at once. Failures are real: {@link #kill9},
 * {@link #freeze}. Starting one takes seconds: share one per test class. Its servers die with the JVM.
 */
public final class RedisSentinelBed implements AutoCloseable {

    public static final String MASTER_NAME = "mymaster";

    static final int DOWN_AFTER_MILLIS = 1000;
    /**
     * Small, because the sentinels start no second failover of a master within twice this after
     * the first: a test that fails a master over twice must not wait long for it.
     */
    static final int FAILOVER_TIMEOUT_MILLIS = 3000;
    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;
    private static final Duration HEALTHY_DEADLINE = Duration.ofSeconds(60);
    private static final Duration FAILOVER_ACCEPTED_DEADLINE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(RedisSentinelBed.class);

    private final RedisProcesses processes;
    private final List<HostAndPort> servers = new ArrayList<>();
    private final List<HostAndPort> sentinels = new ArrayList<>();
    private RedisSentinelClient client;

    private RedisSentinelBed(RedisProcesses processes) {
        this.processes = processes;
    }

    public static RedisSentinelBed start() {
        return start(Path.of(System.getProperty("java.io.tmpdir")));
    }

    static RedisSentinelBed start(Path parent) {
        long started = System.nanoTime();
        var bed = new RedisSentinelBed(RedisProcesses.inNewDirectory(parent, "redis-sentinel-bed-"));
        try {
            HostAndPort master = bed.processes.start("master", port -> bed.serverArguments(port, List.of())).address();
            bed.servers.add(master);
            bed.servers.add(bed.processes.start("replica", port -> bed.serverArguments(port,
                    List.of("--replicaof", master.getHost(), Integer.toString(master.getPort())))).address());
            for (int i = 0; i < SENTINELS; i++) {
                bed.sentinels.add(bed.processes.start("sentinel", port -> bed.sentinelArguments(port, master)).address());
            }
            bed.awaitHealthy(HEALTHY_DEADLINE);
        } catch (RuntimeException | AssertionError e) {
            String logs = bed.processes.logs();
            bed.close();
            throw new IllegalStateException("could not start a Redis Sentinel set: " + e.getMessage() + logs, e);
        }
        LOG.info("Redis Sentinel set ({}, master {}) up in {} ms", bed.url(), bed.master(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return bed;
    }

    /** {@code redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3#mymaster}. */
    public String url() {
        return sentinels.stream().map(sentinel -> sentinel.getHost() + ":" + sentinel.getPort())
                .collect(Collectors.joining(",", "redis-sentinel://", "#" + MASTER_NAME));
    }

    public String masterName() {
        return MASTER_NAME;
    }

    public Set<HostAndPort> sentinels() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(sentinels));
    }

    /** The master and the replica as started, whichever is the master now. */
    public Set<HostAndPort> servers() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(servers));
    }

    /** The master now, as the first sentinel that answers says (SENTINEL GET-MASTER-ADDR-BY-NAME). */
    public HostAndPort master() {
        for (RedisProcess sentinel : answerableSentinels()) {
            HostAndPort master = masterSeenBy(sentinel.address());
            if (master != null) {
                return master;
            }
        }
        throw new IllegalStateException("no sentinel answers:" + processes.logs());
    }

    /**
     * A client that finds the master through the sentinels, for a test's own probes; closed
     * with the bed. It follows a new master once the sentinels announce it, but retries
     * nothing: a command during a failover fails.
     */
    public synchronized RedisSentinelClient client() {
        if (client == null) {
            client = RedisSentinelClient.builder()
                    .masterName(MASTER_NAME)
                    .sentinels(sentinels())
                    .clientConfig(clientConfig())
                    .sentinelClientConfig(clientConfig())
                    .build();
        }
        return client;
    }

    /**
     * SENTINEL FAILOVER: the sentinels promote the replica without waiting for the master to
     * fail. Retried while a sentinel answers that no replica is good enough yet or that a
     * failover is already under way. Returns the master it replaces; see {@link #awaitNewMaster}.
     */
    public HostAndPort failover() {
        return Eventually.value(FAILOVER_ACCEPTED_DEADLINE, "a sentinel accepting SENTINEL FAILOVER " + MASTER_NAME, () -> {
            for (RedisProcess sentinel : answerableSentinels()) {
                HostAndPort master = masterSeenBy(sentinel.address());
                if (master == null) {
                    continue;
                }
                try (Jedis jedis = RedisProcess.probe(sentinel.address())) {
                    jedis.sentinelFailover(MASTER_NAME);
                    LOG.info("Sentinel {} fails {} over", sentinel.address(), master);
                    return master;
                } catch (JedisDataException notNow) {
                    LOG.debug("Sentinel {} refused a failover: {}", sentinel.address(), notNow.getMessage());
                } catch (RuntimeException unanswered) {
                    LOG.debug("Sentinel {} did not answer", sentinel.address(), unanswered);
                }
            }
            return null;
        });
    }

    /**
     * Waits until every sentinel that answers names one master other than {@code oldMaster},
     * and that master answers ROLE as a master. Returns it. The old master, if it still runs,
     * may not be its replica yet: see {@link #awaitHealthy}.
     */
    public HostAndPort awaitNewMaster(HostAndPort oldMaster, Duration deadline) {
        long started = System.nanoTime();
        HostAndPort newMaster = withStateOnTimeout(() -> Eventually.value(deadline,
                "the sentinels naming a master other than " + oldMaster, () -> {
                    HostAndPort agreed = agreedMaster();
                    return agreed != null && !agreed.equals(oldMaster) && RedisProcess.isMaster(agreed) ? agreed : null;
                }));
        LOG.info("Master {} replaced by {} in {} ms", oldMaster, newMaster,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return newMaster;
    }

    /**
     * Waits until the sentinels that answer agree on a master that answers ROLE as master and
     * that none of them sees as down or failing over, each sees the others, and every other
     * server that runs is a replica of that master, in sync, and reachable for them. A server
     * that still says it is a master once the sentinels agree on another is made a replica of
     * it at once rather than when the sentinels get to it, seconds later.
     */
    public void awaitHealthy(Duration deadline) {
        withStateOnTimeout(() -> {
            Eventually.within(deadline, "a healthy Redis Sentinel set", this::healthy);
            return null;
        });
    }

    /** SIGKILL, and wait until the process is gone. A master's replica takes over after {@value #DOWN_AFTER_MILLIS} ms. */
    public void kill9(HostAndPort node) {
        processes.get(node).kill9();
    }

    /** SIGSTOP: the server holds its connections but answers nothing, as one stuck in a long pause. */
    public void freeze(HostAndPort node) {
        processes.get(node).freeze();
    }

    /** SIGCONT. A master replaced meanwhile is made a replica of the new one by the sentinels. */
    public void thaw(HostAndPort node) {
        processes.get(node).thaw();
    }

    /**
     * Starts a killed server or sentinel again on its port. A server comes back empty, and the
     * sentinels make it a replica of the master. Does not wait for that: see {@link #awaitHealthy}.
     */
    public void restart(HostAndPort node) {
        RedisProcess process = processes.get(node);
        process.restart();
        Eventually.within(HEALTHY_DEADLINE, node + " answers PING after its restart", process::answers);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (client != null) {
                client.close();
                client = null;
            }
        }
        processes.close();
    }

    Set<Long> pids() {
        return processes.pids();
    }

    Path directory() {
        return processes.directory();
    }

    String mark() {
        return processes.mark();
    }

    private static JedisClientConfig clientConfig() {
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).autoNegotiateProtocol(false).build();
    }

    private List<String> serverArguments(int port, List<String> more) {
        List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--appendonly", "no", "--save", "", "--repl-diskless-sync-delay", "0",
                "--dir", processes.directory().toString(),
                "--enable-debug-command", "local"));
        arguments.addAll(more);
        return arguments;
    }

    /** Sentinels rewrite their configuration file as they learn: each gets a writable one of its own. */
    private List<String> sentinelArguments(int port, HostAndPort master) {
        Path config = processes.directory().resolve("sentinel-" + port + ".conf");
        try {
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir " + processes.directory(),
                    "sentinel monitor " + MASTER_NAME + " " + master.getHost() + " " + master.getPort() + " " + QUORUM,
                    "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                    "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
                    "sentinel parallel-syncs " + MASTER_NAME + " 1",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + config, e);
        }
        return List.of(config.toString(), "--sentinel");
    }

    private List<RedisProcess> answerableSentinels() {
        return processes.answerable().stream().filter(process -> sentinels.contains(process.address())).toList();
    }

    private List<RedisProcess> answerableServers() {
        return processes.answerable().stream().filter(process -> servers.contains(process.address())).toList();
    }

    /** Null unless every sentinel that answers names the same master. */
    private HostAndPort agreedMaster() {
        Set<HostAndPort> named = new LinkedHashSet<>();
        for (RedisProcess sentinel : answerableSentinels()) {
            named.add(masterSeenBy(sentinel.address()));
        }
        return named.size() == 1 ? named.iterator().next() : null;
    }

    private static HostAndPort masterSeenBy(HostAndPort sentinel) {
        try (Jedis jedis = RedisProcess.probe(sentinel)) {
            List<String> address = jedis.sentinelGetMasterAddrByName(MASTER_NAME);
            return address == null || address.size() != 2 ? null
                    : new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean healthy() {
        HostAndPort master = agreedMaster();
        if (master == null || !RedisProcess.isMaster(master)) {
            return false;
        }
        Set<HostAndPort> replicas = answerableServers().stream().map(RedisProcess::address)
                .filter(server -> !server.equals(master)).collect(Collectors.toSet());
        int otherSentinels = answerableSentinels().size() - 1;
        for (RedisProcess sentinel : answerableSentinels()) {
            if (!sentinelSeesWell(sentinel.address(), replicas, otherSentinels)) {
                return false;
            }
        }
        boolean inSync = true;
        for (HostAndPort replica : replicas) {
            inSync &= replicaInSyncWith(replica, master);
        }
        return inSync;
    }

    /**
     * Whether {@code replica} replicates {@code master} and is in sync. One that still says it
     * is a master, a master replaced while it was frozen or a killed one restarted empty, is
     * told to replicate {@code master}: the sentinels would do the same, but only after
     * watching it for 8 to 20 seconds (four of their publish periods, checked at their
     * ten-second INFO refreshes), which would make every test of a failover that long.
     */
    private static boolean replicaInSyncWith(HostAndPort replica, HostAndPort master) {
        try (Jedis jedis = RedisProcess.probe(replica)) {
            String replication = jedis.info("replication");
            if (replication.contains("role:master")) {
                LOG.info("{} still says it is a master; making it a replica of {}", replica, master);
                jedis.replicaof(master.getHost(), master.getPort());
                return false;
            }
            return replication.contains("master_port:" + master.getPort() + "\r")
                    && replication.contains("master_link_status:up");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether it sees the master up and not failing over, the other sentinels, and each of
     * {@code replicas} reachable. What it says of a replica's link comes from an INFO it reads
     * every ten seconds: the replicas themselves are asked that.
     */
    private static boolean sentinelSeesWell(HostAndPort sentinel, Set<HostAndPort> replicas, int otherSentinels) {
        try (Jedis jedis = RedisProcess.probe(sentinel)) {
            Map<String, String> master = jedis.sentinelMaster(MASTER_NAME);
            if (!"master".equals(master.get("flags"))
                    || Integer.parseInt(master.get("num-other-sentinels")) < otherSentinels) {
                return false;
            }
            Set<HostAndPort> reachable = jedis.sentinelReplicas(MASTER_NAME).stream()
                    .filter(replica -> "slave".equals(replica.get("flags")))
                    .map(replica -> new HostAndPort(replica.get("ip"), Integer.parseInt(replica.get("port"))))
                    .collect(Collectors.toSet());
            return reachable.containsAll(replicas);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private <T> T withStateOnTimeout(Supplier<T> wait) {
        try {
            return wait.get();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; state:\n" + state() + processes.logs(), e);
        }
    }

    /** What each sentinel and server says, for a failure message. */
    private String state() {
        StringBuilder state = new StringBuilder();
        for (RedisProcess process : processes.answerable()) {
            state.append("--- ").append(process.address()).append(" ---\n");
            try (Jedis jedis = RedisProcess.probe(process.address())) {
                if (sentinels.contains(process.address())) {
                    state.append(jedis.sentinelMaster(MASTER_NAME)).append('\n')
                            .append(jedis.sentinelReplicas(MASTER_NAME)).append('\n');
                } else {
                    state.append(jedis.info("replication")).append('\n');
                }
            } catch (RuntimeException e) {
                state.append("(no answer: ").append(e.getMessage()).append(")\n");
            }
        }
        return state.toString();
    }
}
