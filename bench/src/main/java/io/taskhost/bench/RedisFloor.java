package io.taskhost.bench;

import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;

/**
 * What Redis itself allows a reliable consumer, the floor of reuse mode: on {@code connections}
 * threads, each with a processing list of its own, a tight loop of the least a consumer that loses
 * nothing in a crash must do per task, {@code LMOVE queue processing RIGHT LEFT} and then an
 * {@code EVAL} that acks it ({@code LREM} from the processing list), over tasks pushed beforehand.
 * No outcome record, no worker: what is left of a task's time in reuse mode is taskhost's.
 *
 * <p>Each thread has a plain connection of its own, as {@code redis-benchmark -c N} has: through the
 * pooled client the host uses, which borrows a connection per command, the same loop ran at about
 * 60 % of this rate on the 2-core machine, and that is part of taskhost's share, not of Redis's.
 */
final class RedisFloor {

    private static final String ACK = "return redis.call('LREM', KEYS[1], 1, ARGV[1])";
    private static final int PUSH_BATCH = 1000;
    private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("([0-9.]+) requests per second");

    /**
     * @param fetched tasks LMOVE returned
     * @param acked   tasks whose ack removed their entry from a processing list
     */
    record Result(int connections, long fetched, long acked, double tasksPerSecond) {
    }

    Result measure(String url, int connections, int tasks) throws Exception {
        var keys = new QueueKeys("bench-floor-" + UUID.randomUUID().toString().substring(0, 8));
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        try (UnifiedJedis redis = RedisConnector.connect(url, Duration.ofSeconds(5), connections)) {
            try {
                push(redis, keys, tasks);
                long start = System.nanoTime();
                List<Future<long[]>> loops = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    String processing = keys.processing("floor-" + i);
                    loops.add(threads.submit(() -> {
                        try (Jedis connection = new Jedis(URI.create(url))) {
                            return fetchAndAck(connection, keys.queue(), processing);
                        }
                    }));
                }
                long fetched = 0;
                long acked = 0;
                for (Future<long[]> loop : loops) {
                    long[] counts = loop.get();
                    fetched += counts[0];
                    acked += counts[1];
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return new Result(connections, fetched, acked, fetched / seconds);
            } finally {
                List<String> used = new ArrayList<>(List.of(keys.queue()));
                for (int i = 0; i < connections; i++) {
                    used.add(keys.processing("floor-" + i));
                }
                redis.unlink(used.toArray(String[]::new));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The same floor by {@code redis-benchmark -c connections}, where it is on the PATH: {@code LMOVE}
     * of a list onto itself, then the acking {@code EVAL}, each {@code requests} times alone, combined
     * as one of each per task, 1 / (1/a + 1/b). Nothing when there is no redis-benchmark.
     */
    OptionalDouble byRedisBenchmark(String url, int connections, int requests) throws Exception {
        URI server = URI.create(url);
        String key = "{bench-floor-" + UUID.randomUUID().toString().substring(0, 8) + "}:rotating";
        try (Jedis redis = new Jedis(server)) {
            redis.rpush(key, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
            try {
                OptionalDouble lmove = requestsPerSecond(server, connections, requests,
                        List.of("LMOVE", key, key, "RIGHT", "LEFT"));
                OptionalDouble ack = requestsPerSecond(server, connections, requests,
                        List.of("EVAL", ACK, "1", key + ":acked", "x"));
                if (lmove.isEmpty() || ack.isEmpty()) {
                    return OptionalDouble.empty();
                }
                return OptionalDouble.of(1 / (1 / lmove.getAsDouble() + 1 / ack.getAsDouble()));
            } finally {
                redis.unlink(key);
            }
        }
    }

    private static OptionalDouble requestsPerSecond(URI server, int connections, int requests, List<String> command)
            throws InterruptedException {
        List<String> line = new ArrayList<>(List.of("redis-benchmark", "-h", server.getHost(),
                "-p", Integer.toString(server.getPort()), "-c", Integer.toString(connections),
                "-n", Integer.toString(requests), "-q"));
        line.addAll(command);
        try {
            Process benchmark = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(benchmark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (benchmark.waitFor() != 0) {
                return OptionalDouble.empty();
            }
            Matcher figure = REQUESTS_PER_SECOND.matcher(output);
            return figure.find() ? OptionalDouble.of(Double.parseDouble(figure.group(1))) : OptionalDouble.empty();
        } catch (IOException e) {
            return OptionalDouble.empty(); // no redis-benchmark on the PATH
        }
    }

    /** Tasks each of its own payload, so that an ack removes exactly the one it fetched. */
    private static void push(UnifiedJedis redis, QueueKeys keys, int count) {
        for (int pushed = 0; pushed < count; pushed += PUSH_BATCH) {
            String[] payloads = new String[Math.min(PUSH_BATCH, count - pushed)];
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[" + (pushed + i) + "]}";
            }
            redis.lpush(keys.queue(), payloads);
        }
    }

    /** Until the queue is empty: fetched and acked counts. */
    private static long[] fetchAndAck(Jedis redis, String queue, String processing) {
        long fetched = 0;
        long acked = 0;
        String task;
        while ((task = redis.lmove(queue, processing, ListDirection.RIGHT, ListDirection.LEFT)) != null) {
            fetched++;
            Object removed = redis.eval(ACK, List.of(processing), List.of(task));
            acked += ((Number) removed).longValue();
        }
        return new long[] {fetched, acked};
    }
}
