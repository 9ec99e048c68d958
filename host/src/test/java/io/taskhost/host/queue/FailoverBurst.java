package io.taskhost.host.queue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A producer's burst of {@code echo} tasks numbered by {@code seq}, in the PHP wire format, and what
 * became of them: which numbers passed, how many times. A push that fails during a failover is sent
 * again, as a PHP producer that retries would; such a push may have been applied once already.
 */
final class FailoverBurst {

    static final Duration PUSH_DEADLINE = Duration.ofSeconds(60);

    private final QueueProbe queue;
    private int pushed;
    private int pushesRetried;

    FailoverBurst(QueueProbe queue) {
        this.queue = queue;
    }

    static String echo(int seq) {
        return "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"seq\":" + seq + "}}";
    }

    /** Pushes the next {@code count} numbers, retrying each push until Redis acknowledges it. */
    void push(int count) {
        for (int n = 0; n < count; n++) {
            String payload = echo(pushed);
            int[] tries = {0};
            Eventually.within(PUSH_DEADLINE, "Redis acknowledging the push of seq " + pushed, () -> {
                tries[0]++;
                try {
                    queue.push(payload);
                    return true;
                } catch (JedisException failedDuringTheFailover) {
                    return false;
                }
            });
            pushesRetried += tries[0] - 1;
            pushed++;
        }
    }

    int pushed() {
        return pushed;
    }

    /** Pushes that failed and were sent again: each may have been applied twice. */
    int pushesRetried() {
        return pushesRetried;
    }

    /** How many passed outcomes each pushed number has, every number pushed so far included. */
    Map<Integer, Long> passedRuns() {
        Map<Integer, Long> runs = new TreeMap<>();
        IntStream.range(0, pushed).forEach(seq -> runs.put(seq, 0L));
        queue.outcomes().stream()
                .filter(outcome -> "passed".equals(outcome.path("status").asText()))
                .map(outcome -> outcome.path("result").path("seq"))
                .filter(JsonNode::isInt)
                .map(JsonNode::asInt)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .forEach(runs::put);
        return runs;
    }

    /** Waits until every number pushed so far passed at least once; names those that did not. */
    Map<Integer, Long> awaitAllPassed(Duration deadline) {
        try {
            return Eventually.value(deadline, "every one of " + pushed + " tasks of " + queue.keys().queue()
                    + " passed", () -> {
                        Map<Integer, Long> runs = passedRuns();
                        return runs.containsValue(0L) ? null : runs;
                    });
        } catch (AssertionError notAll) {
            Map<Integer, Long> runs = passedRuns();
            throw new AssertionError(notAll.getMessage() + "; never passed: " + runs.entrySet().stream()
                    .filter(run -> run.getValue() == 0).map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new))
                    + ", queue length " + queue.queueLength() + ", stats " + queue.stats() + ", processing list "
                    + queue.redis().lrange(queue.keys().processing("host-" + queue.keys().queue()), 0, -1), notAll);
        }
    }

    /** Passed outcomes beyond the first of each number. */
    static long duplicates(Map<Integer, Long> runs) {
        return runs.values().stream().mapToLong(count -> Math.max(0, count - 1)).sum();
    }
}
