package io.taskhost.bench;

import io.taskhost.host.Host;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.queue.EmbeddedRedis;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.ReplicaWait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import redis.clients.jedis.UnifiedJedis;

/**
 * What Redis costs taskhost: {@code taskhost bench --redis-ceiling}, the most tasks one queue can
 * go through one Redis; and {@code taskhost bench --compare-wait-replicas N}, the throughput of
 * real hosts against a master with N replicas, with {@code --redis-wait-replicas} 0 and N in turn,
 * and the ceiling both ways. Each figure is the mean of its rounds, which alternate, so that a
 * machine that slows down during the run weighs on both sides alike.
 */
final class RedisBench {


    /** Tasks each reuse-mode host runs, unmeasured, before its burst. */
    private static final int REUSE_WARM_UP = 200;

    private final List<Integer> ceilingConnections;
    private final int ceilingTasks;
    private final int rounds;
    private final ScriptCeiling ceiling = new ScriptCeiling();

    RedisBench(List<Integer> ceilingConnections, int ceilingTasks, int rounds) {
        this.ceilingConnections = ceilingConnections;
        this.ceilingTasks = ceilingTasks;
        this.rounds = rounds;
    }

    /** The ceiling on {@code url}, or on a bundled redis-server of its own when it is null. */
    void ceiling(String url) throws Exception {
        if (url != null) {
            ceilingOn(url);
            return;
        }
        try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
            ceilingOn(redis.url());
        }
    }

    private void ceilingOn(String url) throws Exception {
        System.out.printf("fetch and record ceiling of one queue on %s (Redis %s), %d tasks per run, %d round(s)%n",
                RedisConnector.masked(url), version(url), ceilingTasks, rounds);
        Map<Integer, double[]> figures = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int connections : ceilingConnections) {
                ScriptCeiling.Result result = ceiling.measure(url, ReplicaWait.OFF, connections, ceilingTasks);
                System.out.printf(Locale.ROOT, "%d connection(s), round %d: %.0f tasks/s; Redis CPU per task: %.1f µs"
                                + " for the producer's LPUSH, %.1f µs for the fetch and the record%n", connections, round,
                        result.tasksPerSecond(), result.pushCpuMicros(), result.recordCpuMicros());
                double[] sums = figures.computeIfAbsent(connections, c -> new double[3]);
                sums[0] += result.tasksPerSecond() / rounds;
                sums[1] += result.pushCpuMicros() / rounds;
                sums[2] += result.recordCpuMicros() / rounds;
            }
        }
        System.out.println();
        System.out.println("| connections (hosts) | fetch + record, tasks/s | Redis CPU µs per task: LPUSH | fetch + record"
                + " | a task (all three) costs Redis as much as N LPUSHes |");
        System.out.println("|---|---|---|---|---|");
        figures.forEach((connections, sums) -> System.out.printf(Locale.ROOT, "| %d | %,.0f | %.1f | %.1f | %.1f |%n",
                connections, sums[0], sums[1], sums[2], (sums[1] + sums[2]) / sums[1]));
    }

    /**
     * @param hostFor  the settings of a host in a launch mode, on a Redis URL
     * @param burstFor the tasks in a mode's burst
     */
    void compareWait(int replicas, List<String> modes, BiFunction<String, String, HostSettings.Builder> hostFor,
                     ToIntFunction<String> burstFor, int slots) throws Exception {
        try (MasterAndReplicas servers = MasterAndReplicas.start(replicas)) {
            System.out.printf("a master with %d replica(s) (Redis %s, all on this machine), --redis-wait-replicas 0"
                    + " against %d, %d round(s)%n", replicas, servers.version(), replicas, rounds);
            Map<String, double[]> hosts = new LinkedHashMap<>();
            for (String mode : modes) {
                double[] perSecond = new double[2];
                for (int round = 1; round <= rounds; round++) {
                    for (int side = 0; side < 2; side++) {
                        int wait = side == 0 ? 0 : replicas;
                        HostSettings settings = hostFor.apply(servers.url(), mode).redisWaitReplicas(wait).build();
                        double tasks = NoopTasks.hostTasksPerSecond(settings, burstFor.applyAsInt(mode),
                                Math.max(slots * 2, BenchCommand.REUSE_MODES.contains(mode) ? REUSE_WARM_UP : 0));
                        System.out.printf(Locale.ROOT, "%s, WAIT %d, round %d: %.1f tasks/s%n", mode, wait, round, tasks);
                        perSecond[side] += tasks / rounds;
                    }
                }
                hosts.put(mode, perSecond);
            }
            Map<Integer, double[]> scripts = new LinkedHashMap<>();
            var waited = new ReplicaWait(replicas, ReplicaWait.OFF.timeout());
            for (int round = 1; round <= rounds; round++) {
                for (int connections : ceilingConnections) {
                    double[] perSecond = scripts.computeIfAbsent(connections, c -> new double[2]);
                    for (int side = 0; side < 2; side++) {
                        ScriptCeiling.Result result = ceiling.measure(servers.url(), side == 0 ? ReplicaWait.OFF : waited,
                                connections, ceilingTasks);
                        System.out.printf(Locale.ROOT, "ceiling, %d connection(s), WAIT %d, round %d: %.0f tasks/s,"
                                        + " Redis CPU %.1f µs per fetch and record (%d writes acknowledged, %d not)%n",
                                connections, side == 0 ? 0 : replicas, round, result.tasksPerSecond(),
                                result.recordCpuMicros(), result.acknowledged(), result.unacknowledged());
                        perSecond[side] += result.tasksPerSecond() / rounds;
                    }
                }
            }
            System.out.println();
            System.out.printf("| mode | tasks/s, no WAIT | tasks/s, WAIT %d | ratio |%n", replicas);
            System.out.println("|---|---|---|---|");
            hosts.forEach((mode, perSecond) -> System.out.printf(Locale.ROOT, "| %s | %,.1f | %,.1f | %.2f |%n", mode,
                    perSecond[0], perSecond[1], perSecond[1] / perSecond[0]));
            System.out.println();
            System.out.printf("| fetch + record ceiling, connections | tasks/s, no WAIT | tasks/s, WAIT %d | ratio |%n",
                    replicas);
            System.out.println("|---|---|---|---|");
            scripts.forEach((connections, perSecond) -> System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f |%n",
                    connections, perSecond[0], perSecond[1], perSecond[1] / perSecond[0]));
        }
    }

    /**
     * Reuse-mode hosts, one per queue, on as many queues as the Cluster has masters: on one bundled
     * Redis, then on a bundled Cluster with each queue on a master of its own; then the fetch and
     * record ceiling of the same queues at once, both ways. Rounds alternate the two sides.
     *
     * @param reuseHostOn the settings of a reuse-mode host on a Redis URL, to which each host's queue,
     *                    id and cache directory are added
     */
    void compareCluster(int masters, Function<String, HostSettings.Builder> reuseHostOn, int tasksPerQueue,
                        Path work) throws Exception {
        try (BundledCluster cluster = BundledCluster.start(masters, work); EmbeddedRedis single = EmbeddedRedis.start(0)) {
            List<String> queues = new ArrayList<>();
            for (int i = 0; i < masters; i++) {
                queues.add(cluster.queueOn(i, "bench-cluster-" + i));
            }
            System.out.printf("%d queues %s: on one Redis (%s), and on a Cluster of %d masters (%s), one queue per"
                            + " master, all on this machine; %d round(s)%n", masters, queues, version(single.url()),
                    masters, version(cluster.url()), rounds);
            String[] sides = {"one Redis", "Cluster of " + masters + " masters"};
            String[] urls = {single.url(), cluster.url()};
            List<List<String>> cpuOf = List.of(List.of(), cluster.nodeUrls());
            double[] hosts = new double[2];
            Map<Integer, double[]> scripts = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (int side = 0; side < 2; side++) {
                    double tasks = hostsOn(urls[side], queues, reuseHostOn, tasksPerQueue, work);
                    System.out.printf(Locale.ROOT, "%s, %d reuse-mode hosts, round %d: %.1f tasks/s%n", sides[side],
                            masters, round, tasks);
                    hosts[side] += tasks / rounds;
                }
                for (int connections : ceilingConnections) {
                    double[] perSecond = scripts.computeIfAbsent(connections, c -> new double[2]);
                    for (int side = 0; side < 2; side++) {
                        ScriptCeiling.Result result = ceiling.measure(urls[side], cpuOf.get(side), ReplicaWait.OFF,
                                queues, connections, ceilingTasks / masters);
                        System.out.printf(Locale.ROOT, "%s, fetch and record ceiling of the %d queues at once, %d"
                                        + " connection(s) per queue, round %d: %.0f tasks/s, Redis CPU %.1f µs per fetch"
                                        + " and record%n", sides[side], masters, connections, round,
                                result.tasksPerSecond(), result.recordCpuMicros());
                        perSecond[side] += result.tasksPerSecond() / rounds;
                    }
                }
            }
            System.out.println();
            System.out.printf("| %d queues at once | tasks/s, one Redis | tasks/s, Cluster of %d masters | ratio |%n",
                    masters, masters);
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| %d reuse-mode hosts, one per queue | %,.1f | %,.1f | %.2f |%n", masters,
                    hosts[0], hosts[1], hosts[1] / hosts[0]);
            scripts.forEach((connections, perSecond) -> System.out.printf(Locale.ROOT,
                    "| fetch + record ceiling, %d connection(s) per queue | %,.0f | %,.0f | %.2f |%n", connections,
                    perSecond[0], perSecond[1], perSecond[1] / perSecond[0]));
        }
    }

    /** Tasks a second of one reuse-mode host per queue, all at once, after a warm-up and their class-data archives. */
    private static double hostsOn(String url, List<String> queues, Function<String, HostSettings.Builder> reuseHostOn,
                                  int tasksPerQueue, Path work) throws Exception {
        List<Host> hosts = new ArrayList<>();
        List<QueueKeys> keys = queues.stream().map(QueueKeys::new).toList();
        try (UnifiedJedis client = RedisConnector.connect(url, Duration.ofSeconds(2), queues.size() + 1)) {
            for (int i = 0; i < queues.size(); i++) {
                hosts.add(Host.start(reuseHostOn.apply(url).queue(queues.get(i)).hostId("bench-cluster-" + i)
                        .cacheDir(work.resolve("cache-cluster-" + i)).build()));
            }
            long[] before = new long[queues.size()];
            for (int i = 0; i < queues.size(); i++) {
                before[i] = processed(client, keys.get(i));
                NoopTasks.push(client, keys.get(i), REUSE_WARM_UP);
            }
            for (int i = 0; i < queues.size(); i++) {
                NoopTasks.awaitProcessed(client, keys.get(i), before[i] + REUSE_WARM_UP);
                NoopTasks.awaitClassData(hosts.get(i));
            }
            long start = System.nanoTime();
            for (int i = 0; i < queues.size(); i++) {
                NoopTasks.push(client, keys.get(i), tasksPerQueue);
            }
            for (int i = 0; i < queues.size(); i++) {
                NoopTasks.awaitProcessed(client, keys.get(i), before[i] + REUSE_WARM_UP + tasksPerQueue);
            }
            return (double) tasksPerQueue * queues.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            for (Host host : hosts) {
                host.close();
            }
        }
    }

    private static long processed(UnifiedJedis client, QueueKeys keys) {
        String processed = client.hget(keys.stats(), "processed");
        return processed == null ? 0 : Long.parseLong(processed);
    }

    static String version(UnifiedJedis client) {
        return client.info("server").lines().filter(line -> line.startsWith("redis_version:"))
                .map(line -> line.substring("redis_version:".length()).trim()).findFirst().orElse("?");
    }

    private static String version(String url) {
        try (UnifiedJedis client = RedisConnector.connect(url, Duration.ofSeconds(1), 1)) {
            return version(client);
        }
    }



}
