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
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real Redis Cluster on loopback ports, for tests: {@code masters} redis-servers holding the
 * slots and one replica of each, created with {@code redis-cli --cluster create}, in a temporary
 * directory of their own. Failures are real: {@link #kill9}, {@link #freeze}. A replica takes
 * over a master that has not answered for {@value #NODE_TIMEOUT_MILLIS} ms and whatever the
 * age of its data ({@code cluster-replica-validity-factor 0}), as a cluster that must stay up
 * does. Starting one takes seconds: share one per test class. Its servers die with the JVM.
 */
public final class RedisClusterBed implements AutoCloseable {

    public static final int DEFAULT_MASTERS = 3;

    static final int NODE_TIMEOUT_MILLIS = 2000;
    private static final int SLOTS = 16384;
    private static final Duration CREATE_DEADLINE = Duration.ofSeconds(60);
    private static final Duration HEALTHY_DEADLINE = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterBed.class);

    private final RedisProcesses processes;
    private final List<HostAndPort> nodes = new ArrayList<>();
    private RedisClusterClient client;

    private RedisClusterBed(RedisProcesses processes) {
        this.processes = processes;
    }

    /** {@value #DEFAULT_MASTERS} masters and {@value #DEFAULT_MASTERS} replicas. */
    public static RedisClusterBed start() {
        return start(DEFAULT_MASTERS);
    }

    /** {@code masters} masters (at least 3: redis-cli refuses fewer) with one replica each. */
    public static RedisClusterBed start(int masters) {
        return start(masters, Path.of(System.getProperty("java.io.tmpdir")));
    }

    static RedisClusterBed start(int masters, Path parent) {
        long started = System.nanoTime();
        var bed = new RedisClusterBed(RedisProcesses.inNewDirectory(parent, "redis-cluster-bed-"));
        try {
            for (int i = 0; i < 2 * masters; i++) {
                bed.nodes.add(bed.processes.start("node", bed::nodeArguments).address());
            }
            bed.createCluster();
            bed.awaitHealthy(HEALTHY_DEADLINE);
        } catch (RuntimeException | AssertionError e) {
            String logs = bed.processes.logs();
            bed.close();
            throw new IllegalStateException("could not start a Redis Cluster of " + masters + " masters and "
                    + masters + " replicas: " + e.getMessage() + logs, e);
        }
        LOG.info("Redis Cluster of {} nodes ({}) up in {} ms", bed.nodes.size(), bed.url(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return bed;
    }

    /**
     * {@code redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…}: every node of the bed, replicas too,
     * so that a client started after a few kills still finds a live node to learn the slots from.
     */
    public String url() {
        return nodes.stream().map(node -> node.getHost() + ":" + node.getPort())
                .collect(Collectors.joining(",", "redis-cluster://", ""));
    }

    /** Every node the bed started, in the order started, running or not. */
    public Set<HostAndPort> nodes() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(nodes));
    }

    /** The nodes that hold slots now, as the first node that answers sees it. */
    public Set<HostAndPort> masters() {
        return anyView().slotOwners().values().stream().collect(Collectors.toUnmodifiableSet());
    }

    /** The node that serves {@code key}'s slot now, as the first node that answers sees it. */
    public HostAndPort masterOf(String key) {
        return anyView().ownerOf(JedisClusterCRC16.getSlot(key));
    }

    /** A cluster client that knows every node of the bed, for a test's own probes; closed with the bed. */
    public synchronized RedisClusterClient client() {
        if (client == null) {
            client = RedisClusterClient.builder()
                    .nodes(nodes())
                    .clientConfig(DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).autoNegotiateProtocol(false).build())
                    .maxAttempts(10)
                    .maxTotalRetriesDuration(Duration.ofSeconds(20))
                    .build();
        }
        return client;
    }

    /** SIGKILL, and wait until the process is gone. Its replica takes over after the node timeout. */
    public void kill9(HostAndPort node) {
        processes.get(node).kill9();
    }

    /** SIGSTOP: the node holds its connections but answers nothing, as a server stuck in a long pause. */
    public void freeze(HostAndPort node) {
        processes.get(node).freeze();
    }

    /** SIGCONT. A master frozen past the node timeout finds its slots taken and becomes a replica. */
    public void thaw(HostAndPort node) {
        processes.get(node).thaw();
    }

    /**
     * Starts a killed node again on its port with its nodes file: it rejoins the cluster, as a
     * replica if its slots were taken meanwhile. Does not wait for that: see {@link #awaitHealthy}.
     */
    public void restart(HostAndPort node) {
        RedisProcess process = processes.get(node);
        process.restart();
        Eventually.within(HEALTHY_DEADLINE, node + " answers PING after its restart", process::answers);
    }

    /**
     * Waits until a node other than {@code oldMaster} serves {@code key}'s slot in the view of
     * every node that answers, answers ROLE as a master, and the cluster is healthy again
     * ({@link #awaitHealthy}). Returns the new master.
     */
    public HostAndPort awaitFailoverOf(String key, HostAndPort oldMaster, Duration deadline) {
        int slot = JedisClusterCRC16.getSlot(key);
        long started = System.nanoTime();
        HostAndPort newMaster = withViewsOnTimeout(() -> Eventually.value(deadline, "a node other than " + oldMaster
                + " serving slot " + slot + " of " + key + " in every node's view", () -> {
                    Set<HostAndPort> owners = new LinkedHashSet<>();
                    for (RedisProcess process : processes.answerable()) {
                        View view = View.of(process.address());
                        if (view == null) {
                            return null;
                        }
                        owners.add(view.ownerOf(slot));
                    }
                    if (owners.size() != 1) {
                        return null;
                    }
                    HostAndPort owner = owners.iterator().next();
                    return owner != null && !owner.equals(oldMaster) && RedisProcess.isMaster(owner) ? owner : null;
                }));
        awaitHealthy(deadline);
        LOG.info("Slot {} of {} moved from {} to {} in {} ms", slot, key, oldMaster, newMaster,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return newMaster;
    }

    /**
     * Waits until every node that runs and is not frozen says {@code cluster_state:ok} with all
     * slots served, all of them agree on which node serves which slot, none of them sees another
     * of them as failing, and each replica among them is in sync with its master.
     */
    public void awaitHealthy(Duration deadline) {
        withViewsOnTimeout(() -> {
            Eventually.within(deadline, "a healthy Redis Cluster on every running node", this::healthy);
            return null;
        });
    }

    private <T> T withViewsOnTimeout(Supplier<T> wait) {
        try {
            return wait.get();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; nodes' views:\n" + views() + processes.logs(), e);
        }
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

    /** The pids of every server it started; for a test that they are gone. */
    Set<Long> pids() {
        return processes.pids();
    }

    Path directory() {
        return processes.directory();
    }

    String mark() {
        return processes.mark();
    }

    private List<String> nodeArguments(int port) {
        return List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--cluster-enabled", "yes",
                "--cluster-port", Integer.toString(TestRedis.freePort()),
                "--cluster-config-file", "nodes-" + port + ".conf",
                "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS),
                "--cluster-replica-validity-factor", "0",
                "--appendonly", "no", "--save", "", "--repl-diskless-sync-delay", "0",
                // A replica saves what a full sync sends it; in the shared directory another node, restarted,
                // would load that file, another shard's data, as its own.
                "--dbfilename", "dump-" + port + ".rdb",
                "--dir", processes.directory().toString(),
                "--enable-debug-command", "local");
    }

    private void createCluster() {
        List<String> command = new ArrayList<>(List.of(Objects.requireNonNull(TestRedis.onPath("redis-cli")).toString(),
                "--cluster", "create"));
        nodes.forEach(node -> command.add(node.getHost() + ":" + node.getPort()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        Path log = processes.directory().resolve("cluster-create.log");
        try {
            Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!create.waitFor(CREATE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                create.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create did not end within " + CREATE_DEADLINE
                        + ":\n" + RedisProcesses.tail(Files.readString(log)));
            }
            if (create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n"
                        + RedisProcesses.tail(Files.readString(log)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }

    private boolean healthy() {
        List<RedisProcess> answerable = processes.answerable();
        Set<HostAndPort> running = answerable.stream().map(RedisProcess::address).collect(Collectors.toSet());
        Map<Integer, SlotRange> agreed = null;
        for (RedisProcess process : answerable) {
            View view = View.of(process.address());
            if (view == null || !view.ok() || !view.seesWell(running) || !view.replicaInSync()) {
                return false;
            }
            if (agreed == null) {
                agreed = view.slots();
            } else if (!agreed.equals(view.slots())) {
                return false;
            }
        }
        return agreed != null;
    }

    private View anyView() {
        for (RedisProcess process : processes.answerable()) {
            View view = View.of(process.address());
            if (view != null) {
                return view;
            }
        }
        throw new IllegalStateException("no node of the cluster answers:" + processes.logs());
    }

    private String views() {
        StringBuilder views = new StringBuilder();
        for (RedisProcess process : processes.answerable()) {
            View view = View.of(process.address());
            views.append("--- ").append(process.address()).append(" ---\n")
                    .append(view == null ? "(no answer)\n" : view.info.lines().filter(line -> line.startsWith("cluster_state")
                            || line.startsWith("cluster_slots")).collect(Collectors.joining("\n", "", "\n")) + view.nodes);
        }
        return views.toString();
    }


    private record SlotRange(int last, HostAndPort owner) {
    }

    private static final Pattern MASTER_OFFSET = Pattern.compile("master_repl_offset:(\\d+)");
    /** A master's line for one of its replicas: its state and the offset it acknowledged. */
    private static final Pattern REPLICA = Pattern.compile("slave\\d+:[^\\r\\n]*state=(\\w+),offset=(\\d+)");

    /** One node's CLUSTER INFO, CLUSTER NODES and INFO replication, read at one moment. */
    private record View(HostAndPort self, String info, String nodes, String replication) {

        /** Null when the node does not answer. */
        static View of(HostAndPort node) {
            try (Jedis jedis = RedisProcess.probe(node)) {
                return new View(node, jedis.clusterInfo(), jedis.clusterNodes(), jedis.info("replication"));
            } catch (RuntimeException e) {
                return null;
            }
        }

        boolean ok() {
            return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:" + SLOTS);
        }

        /** Whether it sees each of {@code running} as a node in good standing. */
        boolean seesWell(Set<HostAndPort> running) {
            Set<HostAndPort> seen = new LinkedHashSet<>();
            for (String[] fields : lines()) {
                HostAndPort address = address(fields[1]);
                String flags = fields[2];
                if (running.contains(address)) {
                    if (flags.contains("fail") || flags.contains("handshake") || flags.contains("noaddr")
                            || !"connected".equals(fields[7])) {
                        return false;
                    }
                    seen.add(address);
                }
            }
            return seen.equals(running);
        }

        /**
         * A replica whose link to its master is up; a master that serves slots and whose replicas are online
         * and have acknowledged all it has written. A killed master restarts empty (nothing is saved) and
         * is for a while a master of no slots, not yet a replica: a failover in that window promotes an
         * empty node, and every write of the test is gone.
         */
        boolean replicaInSync() {
            if (!replication.contains("role:master")) {
                return replication.contains("master_link_status:up");
            }
            if (!servesSlots()) {
                return false;
            }
            Matcher written = MASTER_OFFSET.matcher(replication);
            if (!written.find()) {
                return false;
            }
            Matcher replica = REPLICA.matcher(replication);
            while (replica.find()) {
                if (!replica.group(1).equals("online") || !replica.group(2).equals(written.group(1))) {
                    return false;
                }
            }
            return true;
        }

        /** Start of each slot range, with its end and the node that serves it. */
        Map<Integer, SlotRange> slots() {
            Map<Integer, SlotRange> slots = new TreeMap<>();
            for (String[] fields : lines()) {
                if (!fields[2].contains("master")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    if (fields[i].startsWith("[")) {
                        continue;
                    }
                    String[] range = fields[i].split("-");
                    int first = Integer.parseInt(range[0]);
                    int last = Integer.parseInt(range[range.length - 1]);
                    slots.put(first, new SlotRange(last, address(fields[1])));
                }
            }
            return slots;
        }

        Map<Integer, HostAndPort> slotOwners() {
            Map<Integer, HostAndPort> owners = new TreeMap<>();
            slots().forEach((first, range) -> owners.put(first, range.owner()));
            return owners;
        }

        /** Null when no node serves {@code slot} in this view. */
        HostAndPort ownerOf(int slot) {
            for (var entry : slots().entrySet()) {
                if (entry.getKey() <= slot && slot <= entry.getValue().last()) {
                    return entry.getValue().owner();
                }
            }
            return null;
        }

        /** Whether this node's own line in CLUSTER NODES lists slots. */
        private boolean servesSlots() {
            return lines().stream().anyMatch(fields -> fields[2].contains("myself") && fields.length > 8);
        }

        private List<String[]> lines() {
            return nodes.lines().filter(line -> !line.isBlank()).map(line -> line.trim().split(" ")).toList();
        }

        /** {@code 127.0.0.1:7000@17000,hostname} → 127.0.0.1:7000. */
        private static HostAndPort address(String field) {
            String hostAndPort = field.split("[@,]")[0];
            int colon = hostAndPort.lastIndexOf(':');
            return new HostAndPort(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
        }
    }
}
