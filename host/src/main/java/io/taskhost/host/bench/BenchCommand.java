package io.taskhost.host.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.Host;
import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.launch.WorkerClasspath;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.worker.WorkerMain;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.RedisClient;

/**
 * {@code taskhost bench}: pushes trivial tasks through a real host and reports throughput and
 * enqueue-to-start latency beside the floor, a bare start of the worker JVM with the same
 * classpath and options, measured in the same run. It also reports the host's CPU use while
 * it waits on an empty queue.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure tasks/s, enqueue-to-start latency, the bare-JVM floor and idle CPU on this machine.")
public final class BenchCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Lets the JIT and GC threads finish the burst's work before idle CPU is measured. */
    private static final Duration IDLE_SETTLE = Duration.ofSeconds(3);

    @Option(names = "--tasks", defaultValue = "200", description = "Trivial tasks in the throughput burst. Default: ${DEFAULT-VALUE}")
    int tasks;

    @Option(names = "--latency-samples", defaultValue = "30",
            description = "Tasks pushed one at a time, at low load, for the latency figures. Default: ${DEFAULT-VALUE}")
    int latencySamples;

    @Option(names = "--floor-starts", defaultValue = "40",
            description = "Bare worker-JVM starts timed for the floor. Default: ${DEFAULT-VALUE}")
    int floorStarts;

    @Option(names = "--workers", description = "Worker slots. Default: the number of cores")
    Integer workers;

    @Option(names = "--redis", defaultValue = "embedded",
            description = "Redis to use; 'embedded' starts a bundled redis-server. Default: ${DEFAULT-VALUE}")
    String redis;

    @Option(names = "--plugin-jar", defaultValue = "plugins-dir/fixtures.jar",
            description = "The jar holding the Fixtures TaskWorker. Default: ${DEFAULT-VALUE}")
    Path pluginJar;

    @Option(names = "--worker-jvm-options", defaultValue = "-XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError",
            description = "JVM options for the worker JVMs and the floor. Default: ${DEFAULT-VALUE}")
    String workerJvmOptions;

    @Option(names = "--idle-seconds", defaultValue = "10",
            description = "How long to measure the host's CPU on an empty queue. Default: ${DEFAULT-VALUE}")
    int idleSeconds;

    @Override
    public Integer call() throws Exception {
        int slots = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        List<String> jvmOptions = List.of(workerJvmOptions.trim().split("\\s+"));
        Path work = Files.createTempDirectory("taskhost-bench-");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(pluginJar, plugins.resolve("fixtures.jar"));
        String queue = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        HostSettings settings = HostOptions.parse("--redis", redis, "--queue", queue, "--plugins-dir", plugins.toString(),
                "--workers", Integer.toString(slots), "--cache-dir", work.resolve("cache").toString(),
                "--worker-jvm-options", workerJvmOptions, "--outcomes-kept", Integer.toString(Math.max(10_000, tasks * 2)),
                "--host-id", "bench");

        System.out.printf("taskhost bench: %d cores, %d worker slot(s), JVM %s, worker options %s%n",
                Runtime.getRuntime().availableProcessors(), slots, Runtime.version(), jvmOptions);
        Floor floor = measureFloor(settings.workerJava(), jvmOptions, WorkerClasspath.ofHost().with(pluginJar), slots);
        try (Host host = Host.start(settings);
             RedisClient client = RedisClient.create(URI.create(host.redisUrl()))) {
            var keys = new QueueKeys(queue);
            int warmup = slots * 2;
            pushNoops(client, keys, warmup);
            awaitProcessed(client, keys, warmup);

            long start = System.nanoTime();
            pushNoops(client, keys, tasks);
            awaitProcessed(client, keys, warmup + tasks);
            double seconds = (System.nanoTime() - start) / 1e9;

            Latency latency = measureLatency(client, keys, warmup + tasks);

            LockSupport.parkNanos(IDLE_SETTLE.toNanos());
            double idleCpu = idleCpuPercent(Duration.ofSeconds(idleSeconds));

            System.out.println();
            System.out.println("| measure | figure |");
            System.out.println("|---|---|");
            row("strict mode: tasks/s (" + tasks + " trivial tasks, " + slots + " slots)", tasks / seconds);
            row("floor: bare worker-JVM starts/s, same classpath and options, " + slots + " in parallel",
                    floor.startsPerSecond());
            row("strict mode as a share of the floor (%)", 100 * (tasks / seconds) / floor.startsPerSecond());
            row("floor: one bare worker-JVM start, mean wall ms", floor.meanMillis());
            row("low load: enqueue to operation start, p50 ms", latency.p50());
            row("low load: enqueue to operation start, p99 ms", latency.p99());
            row("low load: enqueue to fetch, p50 ms", latency.fetchP50());
            row("host CPU while idle on an empty queue (% of one core)", idleCpu);
        }
        return 0;
    }

    private static void row(String measure, double figure) {
        System.out.printf(Locale.ROOT, "| %s | %.1f |%n", measure, figure);
    }

    private static void pushNoops(RedisClient client, QueueKeys keys, int count) {
        String[] payloads = new String[count];
        Arrays.fill(payloads, "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[]}");
        client.lpush(keys.queue(), payloads);
    }

    private static void awaitProcessed(RedisClient client, QueueKeys keys, long count) {
        while (true) {
            String processed = client.hget(keys.stats(), "processed");
            if (processed != null && Long.parseLong(processed) >= count) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    private record Floor(double startsPerSecond, double meanMillis) {
    }

    private Floor measureFloor(Path java, List<String> jvmOptions, String classpath, int parallel) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, WorkerMain.class.getName()));
        Callable<Long> oneStart = () -> {
            long began = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                    Path.of("/dev/null").toFile())).redirectErrorStream(true).start();
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (process.waitFor() != 0) {
                throw new IOException("the floor JVM exited with " + process.exitValue() + ": " + command);
            }
            return System.nanoTime() - began;
        };
        oneStart.call();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            long start = System.nanoTime();
            List<Future<Long>> starts = new ArrayList<>();
            for (int i = 0; i < floorStarts; i++) {
                starts.add(pool.submit(oneStart));
            }
            long total = 0;
            for (Future<Long> each : starts) {
                total += each.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Floor(floorStarts / seconds, total / 1e6 / floorStarts);
        } finally {
            pool.shutdown();
        }
    }

    private record Latency(double p50, double p99, double fetchP50) {
    }

    private Latency measureLatency(RedisClient client, QueueKeys keys, long processedBefore) throws IOException {
        List<Double> toStart = new ArrayList<>();
        List<Double> toFetch = new ArrayList<>();
        for (int i = 0; i < latencySamples; i++) {
            long pushedAt = System.currentTimeMillis();
            client.lpush(keys.queue(), "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[]}");
            awaitProcessed(client, keys, processedBefore + i + 1);
            JsonNode outcome = MAPPER.readTree(client.lindex(keys.outcomes(), 0));
            toStart.add((double) (outcome.path("startedAt").asLong() - pushedAt));
            toFetch.add((double) (outcome.path("fetchedAt").asLong() - pushedAt));
        }
        return new Latency(percentile(toStart, 50), percentile(toStart, 99), percentile(toFetch, 50));
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static double idleCpuPercent(Duration window) {
        Duration before = cpuTime();
        long start = System.nanoTime();
        LockSupport.parkNanos(window.toNanos());
        Duration used = cpuTime().minus(before);
        return 100.0 * used.toNanos() / (System.nanoTime() - start);
    }

    private static Duration cpuTime() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
