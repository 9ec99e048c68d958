package io.taskhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.Host;
import io.taskhost.host.cli.ContributedCommand;
import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.cli.TemporaryDirectory;
import io.taskhost.host.config.Defaults;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.host.launch.AddedJvmOptions;
import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.queue.EmbeddedRedis;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.sandbox.SandboxMode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code taskhost bench}. Its options that mean something else than {@code taskhost run}'s have
 * names of their own, because the config file and TASKHOST_* variables give defaults to every
 * option of a setting's name.
 *
 * <p>It pushes trivial tasks through real hosts, one per launch mode (strict
 * with no help, with class-data sharing, with warm spares, with both, and reuse mode) and worker
 * sandbox ({@code auto}, as an operator gets it by default, and {@code off}), and reports
 * throughput and enqueue-to-start latency for each beside the floor, a bare start of the worker
 * JVM with the same classpath and options, measured in the same run. It measures the sandbox's
 * own cost per start the same way: the floor's JVM and {@code true}, each bare and in the
 * host's bubblewrap sandbox, timed in alternating rounds. In the same rounds it times the task's
 * operation alone in a JVM of its own ({@link OperationAlone}), the most a JVM per task could reach
 * with that plugin, and sets each one-task mode against it. It also reports the host's CPU use
 * while it waits on an empty queue.
 *
 * <p>It lives in a module of its own, so the host's jar holds no benchmark; the distribution ships
 * both, and {@code taskhost} finds this command as a {@link ContributedCommand}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure tasks/s and enqueue-to-start latency per launch mode and worker sandbox, the bare-JVM"
                + " floor, the sandbox's cost per start and idle CPU.")
public final class BenchCommand implements Callable<Integer>, ContributedCommand {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Lets the JIT and GC threads finish the burst's work before idle CPU is measured. */
    private static final Duration IDLE_SETTLE = Duration.ofSeconds(3);
    private static final int REUSE_WARM_UP = 10_000;
    /** Parts of a one-task mode's burst, each after a round of the starts it is set against. */
    private static final int BESIDE_ROUNDS = 4;
    private static final Duration SPARES_READY_WAIT = Duration.ofSeconds(30);
    private static final List<String> MODES = List.of("strict", "cds", "spares", "both", "reuse", "batched");
    /** The modes whose JVMs run many tasks each, measured with --reuse-tasks and against the Redis floor. */
    static final List<String> REUSE_MODES = List.of("reuse", "batched");

    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", defaultValue = "200",
            description = "Trivial tasks in each strict-mode throughput burst. Default: ${DEFAULT-VALUE}")
    int tasks;

    @Option(names = "--reuse-tasks", defaultValue = "20000",
            description = "Trivial tasks in the reuse-mode burst. Default: ${DEFAULT-VALUE}")
    int reuseTasks;

    @Option(names = "--reuse-tasks-per-worker", defaultValue = "1000",
            description = "Tasks per worker JVM in reuse mode. Default: ${DEFAULT-VALUE}")
    int tasksPerWorker;

    @Option(names = "--reuse-batch", defaultValue = "10",
            description = "In the batched mode: reuse mode whose slots take up to this many tasks at once (the host's"
                    + " --reuse-batch). Default: ${DEFAULT-VALUE}")
    int reuseBatch;

    @Option(names = "--spares", defaultValue = "1",
            description = "Warm spares in the modes that use them. Default: ${DEFAULT-VALUE}")
    int warmSpares;

    @Option(names = "--latency-samples", defaultValue = "40",
            description = "Tasks pushed one at a time, at low load, for the latency figures. Default: ${DEFAULT-VALUE}")
    int latencySamples;

    @Option(names = "--latency-interval-ms", defaultValue = "400",
            description = "Milliseconds between two low-load tasks. Default: ${DEFAULT-VALUE}")
    long latencyIntervalMs;

    @Option(names = "--floor-starts", defaultValue = "60",
            description = "Bare worker-JVM starts timed for the floor, and as many in the sandbox with the network"
                    + " and without, for its cost. Default: ${DEFAULT-VALUE}")
    int floorStarts;

    @Option(names = "--true-starts", defaultValue = "200",
            description = "Starts of `true`, bare and in the sandbox, timed for the sandbox's own cost. Default:"
                    + " ${DEFAULT-VALUE}")
    int trueStarts;

    /*
     * The hosts run in this JVM: without a host that warms it up, the first measured one pays for the
     * JIT compiling their code. A strict-mode host that ran first in a bench of its own used 31-34 ms
     * of CPU per task, where strict-mode hosts that ran after others used 14-29 ms.
     */
    @Option(names = "--host-warm-up-tasks", defaultValue = "300",
            description = "Tasks run by a host that is not measured, before the first that is, to warm up the"
                    + " bench's JVM, which runs the hosts. Default: ${DEFAULT-VALUE}")
    int hostWarmUpTasks;

    @Option(names = "--workers", description = "Worker slots. Default: the number of cores")
    Integer workers;

    @Option(names = "--plugin-jar", defaultValue = "plugins-dir/fixtures.jar",
            description = "The jar holding the TaskWorker of the launch modes' task (--task-class). Default: ${DEFAULT-VALUE}")
    Path pluginJar;

    @Option(names = "--task-class", defaultValue = "Fixtures",
            description = "The class of the task the launch modes push, as a producer names it. Default: ${DEFAULT-VALUE}")
    String taskClass;

    @Option(names = "--task-worker", defaultValue = "noop",
            description = "The worker (operation) of the task the launch modes push. Default: ${DEFAULT-VALUE}")
    String taskWorker;

    @Option(names = "--task-params", defaultValue = "[]",
            description = "The params of the task the launch modes push, as JSON. Default: ${DEFAULT-VALUE}")
    String taskParams;

    @Option(names = "--worker-java", description = "The java of the worker JVMs. Default: the host's own")
    Path workerJava;

    @Option(names = "--worker-jvm-options", defaultValue = HostOptions.DEFAULT_JVM_OPTIONS,
            description = "JVM options for the worker JVMs and the floor. Default: ${DEFAULT-VALUE}")
    String workerJvmOptions;

    @Option(names = "--modes", split = ",", defaultValue = "strict,cds,spares,both,reuse,batched",
            description = "Launch modes to measure, of strict, cds, spares, both, reuse, batched. Default: ${DEFAULT-VALUE}")
    List<String> modes;

    @Option(names = "--sandbox", defaultValue = "both",
            description = "The worker sandbox of the modes' hosts: auto (as an operator gets it by default: bubblewrap"
                    + " where the machine allows), off, or both, each mode once with auto and once with off."
                    + " Default: ${DEFAULT-VALUE}")
    String sandbox;

    @Option(names = "--redis-floor-tasks", defaultValue = "50000",
            description = "Tasks in the Redis floor's run: LMOVE then an EVAL that acks, on as many connections as"
                    + " worker slots. Default: ${DEFAULT-VALUE}")
    int redisFloorTasks;

    @Option(names = "--redis-floor",
            description = "Instead of the launch modes: the Redis floor alone (see --redis-floor-tasks), on a bundled"
                    + " redis-server, with as many connections as worker slots.")
    boolean redisFloorOnly;

    @Option(names = "--idle-seconds", defaultValue = "10",
            description = "How long to measure the host's CPU on an empty queue. Default: ${DEFAULT-VALUE}")
    int idleSeconds;

    @Option(names = "--redis-ceiling",
            description = "Instead of the launch modes: the most tasks/s one queue can go through one Redis, from the"
                    + " host's fetch and record scripts in a loop without workers (see --ceiling-*).")
    boolean redisCeiling;

    @Option(names = "--compare-wait-replicas", paramLabel = "N",
            description = "Instead of the launch modes' table: each of --modes on a master with N replicas, with"
                    + " --redis-wait-replicas 0 and N in turn, and the fetch and record ceiling both ways.")
    Integer compareWaitReplicas;

    @Option(names = "--compare-cluster", paramLabel = "MASTERS", arity = "0..1", fallbackValue = "3",
            description = "Instead of the launch modes' table: MASTERS queues (default 3), one reuse-mode host each,"
                    + " on one bundled Redis and on a bundled Cluster of MASTERS masters with a queue per master,"
                    + " and the fetch and record ceiling of the same queues at once, both ways, with each of --ceiling-connections per queue.")
    Integer compareCluster;

    @Option(names = "--compare-seed",
            description = "Instead of the launch modes' table: the seed's PHP daemon (a faithful reproduction, run by"
                    + " php with its redis extension), with 1 child and with as many as --workers, beside taskhost's"
                    + " default mode and reuse mode, on one bundled Redis, in alternating rounds (--redis-rounds).")
    boolean compareSeed;

    @Option(names = "--seed-tasks", defaultValue = "300",
            description = "Tasks in each run of the seed's daemon. Default: ${DEFAULT-VALUE}")
    int seedTasks;

    @Option(names = "--ceiling-redis", paramLabel = "URL",
            description = "The Redis --redis-ceiling measures; its keys are deleted afterwards. Default: a bundled"
                    + " redis-server of its own")
    String ceilingRedis;

    @Option(names = "--ceiling-connections", split = ",", defaultValue = "1,4,16",
            description = "Connections (each a host with its own processing list) of the ceiling runs."
                    + " Default: ${DEFAULT-VALUE}")
    List<Integer> ceilingConnections;

    @Option(names = "--ceiling-tasks", defaultValue = "50000",
            description = "Tasks in each ceiling run. Default: ${DEFAULT-VALUE}")
    int ceilingTasks;

    @Option(names = "--redis-rounds", defaultValue = "2",
            description = "Rounds of --redis-ceiling, --compare-wait-replicas, --compare-cluster and --compare-seed, averaged. Default: ${DEFAULT-VALUE}")
    int redisRounds;

    private int slots;
    private Path work;
    private String payload;

    @Override
    public Integer call() throws Exception {
        for (String mode : modes) {
            if (!MODES.contains(mode.trim())) {
                throw new ParameterException(spec.commandLine(), "unknown mode " + mode + "; use strict, cds, spares,"
                        + " both, reuse or batched");
            }
        }
        sandboxModes();
        try (var scratch = TemporaryDirectory.create("taskhost-bench-")) {
            work = scratch.path();
            if (redisCeiling || compareWaitReplicas != null || compareCluster != null || compareSeed) {
                measureRedis();
            } else if (redisFloorOnly) {
                measureRedisFloor();
            } else {
                measureAll();
            }
        }
        return 0;
    }

    private void measureAll() throws Exception {
        slots = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        var task = new BenchTask(taskClass, taskWorker, taskParams);
        try {
            payload = task.payload();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--task-params: " + e.getMessage());
        }
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Path plugin = plugins.resolve(pluginJar.getFileName());
        Files.copy(pluginJar, plugin);
        Path java = workerJava == null ? Path.of(System.getProperty("java.home"), "bin", "java") : workerJava;
        OptionalInt feature = ClassDataSharing.featureOf(java);
        // The floor's JVM gets what a host gives a worker of one task, before the worker options.
        List<String> jvmOptions = new ArrayList<>(AddedJvmOptions.forWorker(feature, 1));
        jvmOptions.addAll(List.of(workerJvmOptions.trim().split("\\s+")));
        jvmOptions.add("-Xmx" + Defaults.WORKER_MAX_HEAP);

        System.out.printf("taskhost bench: %d cores, %d worker slot(s), host JVM %s, worker java %s, options %s%n",
                Runtime.getRuntime().availableProcessors(), slots, Runtime.version(), java, jvmOptions);
        System.out.printf("task: %s from %s%n", payload, pluginJar);
        Path startsDirectory = Files.createDirectories(work.resolve("starts"));
        OperationAloneStart alone = OperationAloneStart.prepare(java, feature, jvmOptions, plugin, task,
                startsDirectory);
        StartPrograms starts = StartPrograms.prepare(java, jvmOptions, plugin, alone, startsDirectory,
                work.resolve("sandbox-scratch"));
        SandboxCost cost = measureStarts(starts);
        StartTimings.Timing floor = cost.jvm().get(0);
        Map<String, Result> results = new TreeMap<>();
        double[] idle;
        RedisFloor.Result redisFloor;
        OptionalDouble redisBenchmarkFloor;
        OptionalLong hostIdleRss;
        OptionalLong workerIdleRss;
        try (EmbeddedRedis redis = EmbeddedRedis.start(0);
             UnifiedJedis client = RedisClient.create(URI.create(redis.url()))) {
            HostSettings warmUp = inMode(settings(redis.url(), plugins, "warm-up"), "strict").build();
            try (Host host = Host.start(warmUp)) {
                var keys = new QueueKeys(warmUp.queue());
                NoopTasks.push(client, keys, hostWarmUpTasks, payload);
                NoopTasks.awaitProcessed(client, keys, hostWarmUpTasks);
            }
            System.out.printf("a host has run %d tasks, unmeasured, to warm this JVM up%n", hostWarmUpTasks);
            for (String mode : modes) {
                for (SandboxMode sandboxMode : sandboxModes()) {
                    String run = run(mode, sandboxMode);
                    HostSettings settings = inMode(settings(redis.url(), plugins, run), mode.trim())
                            .workerSandbox(sandboxMode).build();
                    Optional<Beside> beside = REUSE_MODES.contains(mode.trim()) ? Optional.empty()
                            : Optional.of(beside(sandboxMode, starts));
                    try (Host host = Host.start(settings)) {
                        results.put(run, measure(host, settings.warmSpares(), client, new QueueKeys(settings.queue()),
                                mode, sandboxMode, beside));
                    }
                }
            }
            System.out.printf("the Redis floor: %d tasks, LMOVE then an acking EVAL, on %d connection(s)%n",
                    redisFloorTasks, slots);
            redisFloor = new RedisFloor().measure(redis.url(), slots, redisFloorTasks);
            redisBenchmarkFloor = new RedisFloor().byRedisBenchmark(redis.url(), slots, redisFloorTasks);
            HostSettings defaults = settings(redis.url(), plugins, "idle").build();
            try (Host host = Host.start(defaults)) {
                var keys = new QueueKeys(defaults.queue());
                NoopTasks.push(client, keys, slots * 2, payload);
                NoopTasks.awaitProcessed(client, keys, slots * 2);
                LockSupport.parkNanos(IDLE_SETTLE.toNanos());
                idle = idleCpuPercent(Duration.ofSeconds(idleSeconds));
                hostIdleRss = ResidentMemory.ofHost();
                workerIdleRss = ResidentMemory.largestWorker();
            }
        }

        System.out.println();
        System.out.printf("A one-task mode's share of the floor is against the floor timed in %d rounds between the"
                + " parts of its own burst; a reuse mode's, against the floor timed first.%n", BESIDE_ROUNDS);
        System.out.println("| mode | worker sandbox | tasks/s | share of the floor | host CPU ms per task"
                + " | worker JVMs' CPU ms per task (not counted in bubblewrap) | enqueue to start p50 ms | p99 ms"
                + " | worker JVMs used |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String mode : modes) {
            for (SandboxMode sandboxMode : sandboxModes()) {
                Result r = results.get(run(mode, sandboxMode));
                System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %s | %.2f | %.2f | %.0f | %.0f | %s |%n",
                        describe(mode), r.sandbox(), r.tasksPerSecond(),
                        share(r.tasksPerSecond(), r.floorStartsPerSecond(floor)), r.hostCpuMsPerTask(),
                        r.workerCpuMsPerTask(), r.p50(), r.p99(), r.launches());
            }
        }
        if (sandboxModes().size() == 2) {
            System.out.println();
            System.out.println("| mode | with the sandbox (auto): share of the floor | without (off): share of the floor"
                    + " | tasks/s with / without |");
            System.out.println("|---|---|---|---|");
            for (String mode : modes) {
                Result with = results.get(run(mode, SandboxMode.AUTO));
                Result without = results.get(run(mode, SandboxMode.OFF));
                System.out.printf(Locale.ROOT, "| %s | %s (%s) | %s | %.0f %% |%n", describe(mode),
                        share(with.tasksPerSecond(), with.floorStartsPerSecond(floor)), with.sandbox(),
                        share(without.tasksPerSecond(), without.floorStartsPerSecond(floor)),
                        100 * with.tasksPerSecond() / without.tasksPerSecond());
            }
        }
        System.out.println();
        if (cost.sandboxMissing() != null) {
            System.out.println("The sandbox's cost per start was not measured: " + cost.sandboxMissing());
        } else {
            System.out.println("| start, " + slots + " at a time | starts/s | share of its floor | mean wall ms"
                    + " | wall ms over its floor |");
            System.out.println("|---|---|---|---|---|");
            costRows("`true`", cost.bareTrue());
            costRows("worker JVM", cost.jvm());
        }
        System.out.println();
        System.out.println("| measure | figure |");
        System.out.println("|---|---|");
        row("floor: bare worker-JVM starts/s, same classpath and options, " + slots + " in parallel",
                floor.startsPerSecond());
        row("floor: one bare worker-JVM start, mean wall ms", floor.wallMillis());
        row("floor: one bare worker-JVM start, mean CPU ms (user and system)", floor.cpuMillis());
        operationAloneRows(alone, cost, floor, results);
        // Two decimals: the target is under 0.5 %, which one decimal cannot tell from 0.54 %.
        percentRow("host CPU while idle on an empty queue, default settings (% of one core)", idle[0]);
        percentRow("the same, with its waiting worker JVMs (% of one core)", idle[1]);
        row(floorMeasure(redisFloor), redisFloor.tasksPerSecond());
        redisBenchmarkFloor.ifPresent(figure -> row(crossCheckMeasure(slots), figure));
        List<String> reuseMeasured = modes.stream().map(String::trim).filter(REUSE_MODES::contains).toList();
        for (String mode : reuseMeasured) {
            for (SandboxMode sandboxMode : sandboxModes()) {
                row(describe(mode) + ", sandbox " + sandboxMode + ": share of the Redis floor (%)",
                        100 * results.get(run(mode, sandboxMode)).tasksPerSecond() / redisFloor.tasksPerSecond());
            }
        }
        mibRow("host RSS, idle on an empty queue, default settings (MiB; the bench's JVM, which runs the hosts)",
                hostIdleRss);
        mibRow("a waiting worker JVM's RSS, idle (MiB)", workerIdleRss);
        for (SandboxMode sandboxMode : reuseMeasured.contains("reuse") ? sandboxModes() : List.<SandboxMode>of()) {
            Result reuse = results.get(run("reuse", sandboxMode));
            mibRow("host RSS under load, peak during the reuse burst, sandbox " + sandboxMode + " (MiB)",
                    reuse.hostRssPeak());
            mibRow("a worker JVM's RSS under load, peak during the reuse burst, sandbox " + sandboxMode + " (MiB)",
                    reuse.workerRssPeak());
        }
    }

    private static String floorMeasure(RedisFloor.Result floor) {
        return "floor: Redis reliable fetch-and-ack per second, " + floor.connections() + " connections";
    }

    private static String crossCheckMeasure(int connections) {
        return "the same floor by redis-benchmark -c " + connections + ": LMOVE and the acking EVAL, each alone,"
                + " 1 / (1/a + 1/b)";
    }

    /** {@code --redis-floor}: the floor alone, on a bundled redis-server. */
    private void measureRedisFloor() throws Exception {
        slots = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        RedisFloor.Result floor;
        OptionalDouble crossCheck;
        try (EmbeddedRedis redis = EmbeddedRedis.start(0)) {
            floor = new RedisFloor().measure(redis.url(), slots, redisFloorTasks);
            crossCheck = new RedisFloor().byRedisBenchmark(redis.url(), slots, redisFloorTasks);
        }
        System.out.println("| measure | figure |");
        System.out.println("|---|---|");
        row(floorMeasure(floor), floor.tasksPerSecond());
        crossCheck.ifPresent(figure -> row(crossCheckMeasure(slots), figure));
    }

    /** The host sandbox modes to measure each launch mode in, as {@code --sandbox} names them. */
    private List<SandboxMode> sandboxModes() {
        return switch (sandbox.trim()) {
            case "auto" -> List.of(SandboxMode.AUTO);
            case "off" -> List.of(SandboxMode.OFF);
            case "both" -> List.of(SandboxMode.AUTO, SandboxMode.OFF);
            default -> throw new ParameterException(spec.commandLine(), "--sandbox must be auto, off or both, not '"
                    + sandbox + "'");
        };
    }

    private static String run(String mode, SandboxMode sandboxMode) {
        return mode.trim() + "-" + sandboxMode;
    }

    /** A throughput as a share of its floor's; many times the floor's, for reuse mode, as a multiple. */
    private static String share(double perSecond, double floorPerSecond) {
        double ratio = perSecond / floorPerSecond;
        return ratio < 2 ? String.format(Locale.ROOT, "%.0f %%", 100 * ratio) : String.format(Locale.ROOT, "%.0f×", ratio);
    }

    /** Rows for {@code program} bare, its floor, then in the sandbox with the network and without. */
    private static void costRows(String program, List<StartTimings.Timing> timings) {
        StartTimings.Timing bare = timings.get(0);
        System.out.printf(Locale.ROOT, "| floor: %s, bare | %.1f | 100 %% | %.1f | |%n", program,
                bare.startsPerSecond(), bare.wallMillis());
        String[] names = {program + " in bubblewrap", program + " in bubblewrap, network none"};
        for (int i = 1; i < timings.size(); i++) {
            StartTimings.Timing t = timings.get(i);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f %% | %.1f | %+.1f |%n", names[i - 1],
                    t.startsPerSecond(), 100 * t.startsPerSecond() / bare.startsPerSecond(), t.wallMillis(),
                    t.wallMillis() - bare.wallMillis());
        }
    }

    /** {@code --redis-ceiling} and {@code --compare-wait-replicas}, in {@link RedisBench}. */
    private void measureRedis() throws Exception {
        slots = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        var redisBench = new RedisBench(ceilingConnections, ceilingTasks, redisRounds);
        if (redisCeiling) {
            redisBench.ceiling(ceilingRedis);
        }
        if (compareWaitReplicas != null) {
            Path plugins = Files.createDirectories(work.resolve("plugins"));
            Files.copy(pluginJar, plugins.resolve("fixtures.jar"), StandardCopyOption.REPLACE_EXISTING);
            redisBench.compareWait(compareWaitReplicas, modes.stream().map(String::trim).toList(),
                    (url, mode) -> inMode(settings(url, plugins, mode), mode),
                    mode -> REUSE_MODES.contains(mode) ? reuseTasks : tasks, slots);
        }
        if (compareCluster != null) {
            if (compareCluster < 3) {
                throw new ParameterException(spec.commandLine(), "--compare-cluster needs at least 3 masters, as"
                        + " Redis Cluster does, not " + compareCluster);
            }
            Path plugins = Files.createDirectories(work.resolve("plugins"));
            Files.copy(pluginJar, plugins.resolve("fixtures.jar"), StandardCopyOption.REPLACE_EXISTING);
            redisBench.compareCluster(compareCluster, url -> inMode(settings(url, plugins, "reuse"), "reuse"),
                    reuseTasks / compareCluster, work);
        }
        if (compareSeed) {
            Path plugins = Files.createDirectories(work.resolve("plugins"));
            Files.copy(pluginJar, plugins.resolve("fixtures.jar"), StandardCopyOption.REPLACE_EXISTING);
            new SeedComparison(redisRounds, slots).run(work, seedTasks, tasks, reuseTasks,
                    (url, mode) -> inMode(settings(url, plugins, mode), mode));
        }
    }

    private HostSettings.Builder inMode(HostSettings.Builder settings, String mode) {
        return switch (mode) {
            case "strict" -> settings.warmSpares(0).classDataSharing(false);
            case "cds" -> settings.warmSpares(0).classDataSharing(true);
            case "spares" -> settings.warmSpares(warmSpares).classDataSharing(false);
            case "both" -> settings.warmSpares(warmSpares).classDataSharing(true);
            case "reuse" -> settings.warmSpares(warmSpares).classDataSharing(true).tasksPerWorker(tasksPerWorker);
            case "batched" -> inMode(settings, "reuse").reuseBatch(reuseBatch);
            default -> throw new IllegalStateException("unknown mode " + mode);
        };
    }

    private String describe(String mode) {
        return switch (mode) {
            case "strict" -> "strict, no spares, no class-data sharing";
            case "cds" -> "strict + class-data sharing";
            case "spares" -> "strict + " + warmSpares + " warm spare(s)";
            case "both" -> "strict + spares + class-data sharing (the default)";
            case "batched" -> "reuse mode, " + tasksPerWorker + " tasks per JVM, batches of " + reuseBatch;
            default -> "reuse mode, " + tasksPerWorker + " tasks per JVM";
        };
    }

    private HostSettings.Builder settings(String redisUrl, Path plugins, String mode) {
        var settings = HostSettings.builder()
                .redisUrl(redisUrl)
                .queue("bench-" + mode + "-" + UUID.randomUUID().toString().substring(0, 8))
                .pluginsDir(plugins)
                .workers(slots)
                .cacheDir(work.resolve("cache-" + mode))
                .workerJvmOptions(RunLimits.options(workerJvmOptions))
                .outcomesKept(Math.max(10_000, Math.max(tasks, reuseTasks) * 2))
                .hostId("bench-" + mode);
        return workerJava == null ? settings : settings.workerJava(workerJava);
    }

    /**
     * @param sandbox the host's sandbox setting and what its workers ran in, as their outcome records say:
     *                {@code auto: bubblewrap}
     */
    private record Result(double tasksPerSecond, double hostCpuMsPerTask, double workerCpuMsPerTask, double p50,
                          double p99, String launches,
                          String sandbox, OptionalLong hostRssPeak, OptionalLong workerRssPeak,
                          Optional<Beside> beside) {

        /** The floor timed beside its burst, or else {@code floor}, timed before the bursts. */
        double floorStartsPerSecond(StartTimings.Timing floor) {
            return beside.map(timed -> timed.floor().startsPerSecond()).orElse(floor.startsPerSecond());
        }
    }

    /**
     * The starts timed in rounds between the parts of a one-task mode's burst: the floor, the ceiling where it can be
     * measured, and for a burst in the sandbox, both again in the sandbox a worker gets.
     */
    private record Beside(StartsBeside starts, boolean withCeiling, boolean sandboxed) {

        StartTimings.Timing floor() {
            return starts.timings().get(0);
        }

        Optional<StartTimings.Timing> ceiling() {
            return withCeiling ? Optional.of(starts.timings().get(1)) : Optional.empty();
        }

        Optional<StartTimings.Timing> ceilingInSandbox() {
            return withCeiling && sandboxed ? Optional.of(starts.timings().get(3)) : Optional.empty();
        }
    }

    private Beside beside(SandboxMode sandboxMode, StartPrograms programs) {
        List<List<String>> commands = new ArrayList<>(List.of(programs.floor()));
        programs.ceiling().ifPresent(commands::add);
        boolean sandboxed = sandboxMode == SandboxMode.AUTO && programs.sandboxUsable();
        if (sandboxed) {
            commands.add(programs.floorInSandbox(false));
            programs.ceilingInSandbox(false).ifPresent(commands::add);
        }
        int perRound = Math.max(1, (floorStarts + BESIDE_ROUNDS - 1) / BESIDE_ROUNDS);
        return new Beside(new StartsBeside(new StartTimings(slots, work.resolve("starts")), commands, perRound),
                programs.ceiling().isPresent(), sandboxed);
    }

    /**
     * The burst of a mode's host. A one-task mode's burst runs in parts, each after a round of the starts
     * {@code beside} it, and once the host's spares are ready; only the parts are timed and their CPU counted.
     */
    private Result measure(Host host, int spares, UnifiedJedis client, QueueKeys keys, String mode,
                           SandboxMode sandboxMode, Optional<Beside> beside) throws Exception {
        boolean reuse = REUSE_MODES.contains(mode.trim());
        int burst = reuse ? reuseTasks : tasks;
        // Reuse mode's path through the host (a slot's record and next take in one round trip, the
        // reused JVM's pipe) is compiled by the JIT only after thousands of tasks, and the JVM-wide warm-up
        // host runs strict mode: with 200, the first reuse run measured counted that compilation as its
        // host CPU, twice the second's, which read as bubblewrap's cost.
        int warmup = Math.max(slots * 2, reuse ? Math.min(reuseTasks, REUSE_WARM_UP) : 0);
        NoopTasks.push(client, keys, warmup, payload);
        NoopTasks.awaitProcessed(client, keys, warmup);
        NoopTasks.awaitClassData(host);
        int parts = beside.isPresent() ? Math.min(BESIDE_ROUNDS, burst) : 1;
        System.out.printf("%s, sandbox %s: %d warm-up tasks done; %d in the burst, in %d part(s)%n", mode,
                sandboxMode, warmup, burst, parts);

        long hostCpuNanos = 0;
        double workersCpuMillis = 0;
        long burstNanos = 0;
        int done = 0;
        // Only reuse modes' memory is reported; a sampler walks /proc for the bench's descendants four times a second.
        ResidentMemory.Peaks rss = reuse ? ResidentMemory.Peaks.sampling() : ResidentMemory.Peaks.notSampled();
        try (rss) {
            for (int part = 0; part < parts; part++) {
                if (beside.isPresent()) {
                    awaitSparesReady(host, spares);
                    beside.get().starts().round();
                }
                int inPart = burst / parts + (part < burst % parts ? 1 : 0);
                Duration cpuBefore = cpuTime(ProcessHandle.current());
                double workersCpuBefore = ChildrenCpu.millis().orElse(Double.NaN);
                long start = System.nanoTime();
                NoopTasks.push(client, keys, inPart, payload);
                done += inPart;
                NoopTasks.awaitProcessed(client, keys, warmup + done);
                burstNanos += System.nanoTime() - start;
                hostCpuNanos += cpuTime(ProcessHandle.current()).minus(cpuBefore).toNanos();
                workersCpuMillis += ChildrenCpu.millis().orElse(Double.NaN) - workersCpuBefore;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sampling the host's memory", e);
        }
        double seconds = burstNanos / 1e9;
        Launches launches = launchesOf(client, keys, Math.min(burst, 1000));

        List<Double> toStart = new ArrayList<>();
        for (int i = 0; i < latencySamples; i++) {
            LockSupport.parkNanos(Duration.ofMillis(latencyIntervalMs).toNanos());
            long pushedAt = System.currentTimeMillis();
            client.lpush(keys.queue(), payload);
            NoopTasks.awaitProcessed(client, keys, warmup + burst + i + 1);
            JsonNode outcome = MAPPER.readTree(client.lindex(keys.outcomes(), 0));
            toStart.add((double) (outcome.path("startedAt").asLong() - pushedAt));
        }
        return new Result(burst / seconds, hostCpuNanos / 1e6 / burst, workersCpuMillis / burst,
                percentile(toStart, 50), percentile(toStart, 99),
                launches.kinds().toString(), sandboxMode + ": " + String.join(" and ", launches.sandboxes()),
                rss.host(), rss.worker(), beside);
    }

    /** Until the host's warm spares have loaded their plugin, so that their start is not timed with the floor's. */
    private static void awaitSparesReady(Host host, int spares) {
        long deadline = System.nanoTime() + SPARES_READY_WAIT.toNanos();
        while (host.readyIdleWorkers() < spares && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /** How the worker JVMs of some tasks were started, by kind, and the sandboxes they ran in. */
    private record Launches(Map<String, Integer> kinds, Set<String> sandboxes) {
    }

    private static Launches launchesOf(UnifiedJedis client, QueueKeys keys, int count) throws IOException {
        Map<String, Integer> kinds = new TreeMap<>();
        Set<String> sandboxes = new TreeSet<>();
        for (String json : client.lrange(keys.outcomes(), 0, count - 1)) {
            JsonNode outcome = MAPPER.readTree(json);
            kinds.merge(outcome.path("launch").asText("?"), 1, Integer::sum);
            if (!outcome.path("status").asText().equals("passed")) {
                kinds.merge("not passed", 1, Integer::sum);
            }
            sandboxes.add(outcome.path("sandbox").asText("?"));
        }
        return new Launches(kinds, sandboxes);
    }

    /**
     * The task's operation alone in a JVM of its own, timed beside the floor: the best share of the floor any
     * host that starts a JVM per task could reach with this plugin, and each one-task mode's share of it.
     */
    private void operationAloneRows(OperationAloneStart start, SandboxCost cost, StartTimings.Timing floor,
                                    Map<String, Result> results) {
        String ceiling = "ceiling: the task's operation alone in a fresh JVM (its params parsed, no taskhost), the"
                + " floor's options and class path, an archive of its own";
        if (cost.operationAlone().isEmpty()) {
            System.out.printf("| %s | not measured: %s |%n", ceiling, start.missing());
            return;
        }
        StartTimings.Timing alone = cost.operationAlone().get();
        row(ceiling + ", starts/s, " + slots + " in parallel", alone.startsPerSecond());
        row(ceiling + ", mean CPU ms (user and system)", alone.cpuMillis());
        row("the ceiling's share of the floor (%): the most a JVM per task can reach with this task",
                100 * alone.startsPerSecond() / floor.startsPerSecond());
        for (String mode : modes.stream().filter(mode -> !REUSE_MODES.contains(mode.trim())).toList()) {
            for (SandboxMode sandboxMode : sandboxModes()) {
                Result result = results.get(run(mode, sandboxMode));
                Beside beside = result.beside().orElseThrow();
                String run = describe(mode) + ", sandbox " + sandboxMode;
                StartTimings.Timing ceilingBeside = beside.ceiling().orElseThrow();
                row(run + ": the ceiling timed beside its burst, share of the floor timed with it (%)",
                        100 * ceilingBeside.startsPerSecond() / beside.floor().startsPerSecond());
                row(run + ": share of the ceiling timed beside its burst (%)",
                        100 * result.tasksPerSecond() / ceilingBeside.startsPerSecond());
                beside.ceilingInSandbox().ifPresent(inSandbox -> row(run
                        + ": share of the ceiling in the same sandbox, timed beside its burst (%)",
                        100 * result.tasksPerSecond() / inSandbox.startsPerSecond()));
            }
        }
    }

    private static void row(String measure, double figure) {
        System.out.printf(Locale.ROOT, "| %s | %.1f |%n", measure, figure);
    }

    private static void percentRow(String measure, double percent) {
        System.out.printf(Locale.ROOT, "| %s | %.2f |%n", measure, percent);
    }

    private static void mibRow(String measure, OptionalLong mib) {
        System.out.printf(Locale.ROOT, "| %s | %s |%n", measure,
                mib.isPresent() ? Long.toString(mib.getAsLong()) : "not read (no /proc)");
    }



    /**
     * Timings of starts of {@code true} and of the worker JVM: each list holds the bare start, its
     * floor, first, then the start in the sandbox with the host's network, then without. Where the
     * machine has no usable sandbox, {@code jvm} holds the bare start alone, {@code bareTrue} nothing,
     * and {@code sandboxMissing} says why. {@code operationAlone} is timed in the same rounds as
     * {@code jvm}, where it can be ({@link OperationAloneStart#missing} says why not).
     */
    private record SandboxCost(List<StartTimings.Timing> bareTrue, List<StartTimings.Timing> jvm,
                               String sandboxMissing, Optional<StartTimings.Timing> operationAlone) {
    }

    /**
     * The floor, starts of the worker JVM with the same java, classpath and options that exit at once
     * on an empty stdin, and the sandbox's cost: those starts and starts of {@code true}, each bare and
     * in the sandbox the host would give a worker.
     */
    private SandboxCost measureStarts(StartPrograms starts) throws Exception {
        var timings = new StartTimings(slots, work.resolve("starts"));
        List<List<String>> jvms = new ArrayList<>(List.of(starts.floor()));
        if (!starts.sandboxUsable()) {
            starts.ceiling().ifPresent(jvms::add);
            List<StartTimings.Timing> bare = timings.measure(jvms, floorStarts);
            return new SandboxCost(List.of(), bare.subList(0, 1), starts.sandboxMissing(),
                    starts.ceiling().map(command -> bare.get(1)));
        }
        List<List<String>> trues = new ArrayList<>(List.of(List.of("true")));
        for (boolean network : List.of(true, false)) {
            jvms.add(starts.floorInSandbox(network));
            trues.add(starts.trueInSandbox(network));
        }
        int sandboxed = jvms.size();
        starts.ceiling().ifPresent(jvms::add);
        System.out.printf("timing %d starts of each of %d commands, %d at a time%n", floorStarts, jvms.size(), slots);
        List<StartTimings.Timing> jvmTimings = timings.measure(jvms, floorStarts);
        System.out.printf("timing %d starts of each of %d commands, %d at a time%n", trueStarts, trues.size(), slots);
        return new SandboxCost(timings.measure(trues, trueStarts), jvmTimings.subList(0, sandboxed), null,
                starts.ceiling().map(command -> jvmTimings.get(sandboxed)));
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    /** This process's CPU, and this process's with its worker JVMs', over {@code window}, as % of one core. */
    private static double[] idleCpuPercent(Duration window) {
        Duration before = cpuTime(ProcessHandle.current());
        Duration beforeAll = before.plus(descendantsCpuTime());
        long start = System.nanoTime();
        LockSupport.parkNanos(window.toNanos());
        Duration used = cpuTime(ProcessHandle.current()).minus(before);
        Duration usedAll = cpuTime(ProcessHandle.current()).plus(descendantsCpuTime()).minus(beforeAll);
        long elapsed = System.nanoTime() - start;
        return new double[] {100.0 * used.toNanos() / elapsed, 100.0 * usedAll.toNanos() / elapsed};
    }

    private static Duration descendantsCpuTime() {
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().command().map(command -> command.endsWith("java")).orElse(false))
                .map(BenchCommand::cpuTime).reduce(Duration.ZERO, Duration::plus);
    }

    private static Duration cpuTime(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
