package io.taskhost.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.Disposition;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.ReplicaWait;
import io.taskhost.host.queue.ReplicatedWrites;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.queue.TaskQueue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The most tasks one queue can go through one Redis, a second: the host's own fetch and record
 * scripts (the same classes a host runs, with a realistic outcome record), in a loop on
 * {@code connections} threads, each as a host of its own with its own processing list, and no
 * worker. Every key of a queue shares the hash tag {@code {queue}}, so a queue lives in one
 * slot, on one master, even on a Cluster: this is the ceiling of one queue, whatever the
 * number of hosts.
 */
final class ScriptCeiling {

    /** The length of the host's default outcome list: its LTRIM costs the same as in production. */
    private static final int OUTCOMES_KEPT = 10_000;
    /** An empty queue ends a thread's loop after this wait. */
    private static final Duration FETCH_TIMEOUT = Duration.ofMillis(500);

    /**
     * @param tasksPerSecond   fetch and record pairs a second, over the whole run
     * @param pushCpuMicros    the CPU redis-server used per producer's {@code LPUSH} of one task, as
     *                         PHP producers push, measured the same way
     * @param recordCpuMicros  the CPU redis-server used per task for its fetch and its record, from
     *                         its {@code INFO cpu} (user and system): a machine shared with the
     *                         clients and other loads distorts it less than the rate, and its ratio
     *                         to {@code pushCpuMicros} still less
     */
    record Result(int connections, long tasks, double tasksPerSecond, double pushCpuMicros, double recordCpuMicros,
                  long acknowledged, long unacknowledged) {
    }

    private final ObjectMapper mapper = new ObjectMapper();

    Result measure(String url, ReplicaWait wait, int connections, int tasks) throws Exception {
        String queue = "bench-ceiling-" + UUID.randomUUID().toString().substring(0, 8);
        return measure(url, List.of(), wait, List.of(queue), connections, tasks);
    }

    /**
     * The ceiling of {@code queues} at once: every queue's tasks are pushed first, then every queue
     * is fetched and recorded by {@code connections} threads of its own, all at the same time.
     *
     * @param nodeUrls plain URLs of the servers whose CPU the tasks cost (every master of a
     *                 Cluster), or none for the server {@code url} names
     */
    Result measure(String url, List<String> nodeUrls, ReplicaWait wait, List<String> queues, int connections,
                   int tasksPerQueue) throws Exception {
        List<QueueKeys> queueKeys = queues.stream().map(QueueKeys::new).toList();
        int threadCount = connections * queues.size();
        ExecutorService threads = Executors.newFixedThreadPool(threadCount);
        long firstMinute = epochMinute();
        try (UnifiedJedis redis = RedisConnector.connect(url, FETCH_TIMEOUT, threadCount + 1)) {
            RedisCpu cpu = new RedisCpu(redis, nodeUrls);
            try {
                double cpuBefore = cpu.seconds();
                List<Future<Long>> pushed = new ArrayList<>();
                for (QueueKeys keys : queueKeys) {
                    for (int i = 0; i < connections; i++) {
                        int share = tasksPerQueue / connections + (i < tasksPerQueue % connections ? 1 : 0);
                        pushed.add(threads.submit(() -> push(redis, keys, share)));
                    }
                }
                long count = sum(pushed);
                double cpuPushed = cpu.seconds();

                var writes = new ReplicatedWrites(redis, wait, System::nanoTime);
                AtomicLong lastRecordAt = new AtomicLong();
                long start = System.nanoTime();
                List<Future<Long>> done = new ArrayList<>();
                for (QueueKeys keys : queueKeys) {
                    var outcomes = new OutcomeLog(writes, keys, OUTCOMES_KEPT, mapper);
                    for (int i = 0; i < connections; i++) {
                        String hostId = "ceiling-" + i;
                        var queue = new TaskQueue(redis, writes, keys, hostId, FETCH_TIMEOUT);
                        done.add(threads.submit(() -> loop(queue, outcomes, keys, hostId, lastRecordAt)));
                    }
                }
                long recorded = sum(done);
                double seconds = (lastRecordAt.get() - start) / 1e9;
                // Includes the empty queue's last waits, which cost Redis nothing to speak of.
                double cpuRecorded = cpu.seconds();
                return new Result(connections, recorded, recorded / seconds, (cpuPushed - cpuBefore) * 1e6 / count,
                        (cpuRecorded - cpuPushed) * 1e6 / recorded, writes.acknowledged(), writes.unacknowledged());
            } finally {
                cpu.close();
                for (QueueKeys keys : queueKeys) {
                    List<String> used = new ArrayList<>(List.of(keys.queue(), keys.outcomes(), keys.stats()));
                    for (int i = 0; i < connections; i++) {
                        used.add(keys.processing("ceiling-" + i));
                    }
                    // The record script counts each outcome in its minute's counters, for the dashboard.
                    for (long minute = firstMinute - 1; minute <= epochMinute() + 1; minute++) {
                        used.add(keys.minute(minute));
                    }
                    redis.unlink(used.toArray(String[]::new));
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static long epochMinute() {
        return System.currentTimeMillis() / 60_000;
    }

    private static long sum(List<Future<Long>> counts) throws Exception {
        long sum = 0;
        for (Future<Long> each : counts) {
            sum += each.get();
        }
        return sum;
    }

    private long loop(TaskQueue queue, OutcomeLog outcomes, QueueKeys keys, String hostId, AtomicLong lastRecordAt) {
        String processing = keys.processing(hostId);
        long recorded = 0;
        Optional<TaskEntry> task;
        while ((task = queue.fetch()).isPresent()) {
            OutcomeRecord outcome = passed(task.get(), keys, hostId);
            if (outcomes.record(processing, task.get().entry(), outcome, new Disposition.Completed())) {
                recorded++;
            }
            lastRecordAt.accumulateAndGet(System.nanoTime(), Math::max);
        }
        return recorded;
    }

    /** What a host records for a noop task a reused worker ran: about 600 bytes of JSON. */
    private static OutcomeRecord passed(TaskEntry task, QueueKeys keys, String hostId) {
        long now = System.currentTimeMillis();
        return OutcomeRecord.builder(task.id(), keys.queue(), hostId)
                .task("Fixtures", "noop")
                .attempt(1, List.of())
                .routedTo(new OutcomeRecord.PluginRef("fixtures", "0.1.0-SNAPSHOT", "0".repeat(64), "fixtures.jar"),
                        "io.taskhost.examples.fixtures.Fixtures")
                .method("_task_noop")
                .fetchedAt(now)
                .startedAt(now)
                .finishedAt(now)
                .totalMs(1)
                .process(ProcessHandle.current().pid(), null, "reused", "bubblewrap")
                .passed()
                .disposed(new Disposition.Completed(), null, null);
    }

    /** The CPU, user and system, that the servers have used so far, from their {@code INFO cpu}. */
    private static final class RedisCpu implements AutoCloseable {

        private final List<UnifiedJedis> servers = new ArrayList<>();
        private final boolean ownConnections;

        RedisCpu(UnifiedJedis redis, List<String> nodeUrls) {
            ownConnections = !nodeUrls.isEmpty();
            if (!ownConnections) {
                servers.add(redis);
            }
            nodeUrls.forEach(node -> servers.add(RedisClient.create(URI.create(node))));
        }

        double seconds() {
            return servers.stream().mapToDouble(RedisCpu::secondsOf).sum();
        }

        private static double secondsOf(UnifiedJedis server) {
            return server.info("cpu").lines()
                    .filter(line -> line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(':') + 1).trim())).sum();
        }

        /** Closes the connections it opened itself. */
        @Override
        public void close() {
            if (ownConnections) {
                servers.forEach(UnifiedJedis::close);
            }
        }
    }

    /** One task per LPUSH, as a producer pushes. */
    private static long push(UnifiedJedis redis, QueueKeys keys, int count) {
        byte[] queue = keys.queue().getBytes(StandardCharsets.UTF_8);
        byte[] payload = NoopTasks.NOOP.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < count; i++) {
            redis.lpush(queue, payload);
        }
        return count;
    }
}
