package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** The due-set mover's script against a real Redis, with movers racing as many hosts would. */
class DueSetMoverTest {

    private final UnifiedJedis redis = TestRedis.shared().client();
    private final QueueKeys keys = new QueueKeys(TestHosts.uniqueQueue());
    private final Random random = new Random();

    @Test
    void delayedTasksAddedInRandomOrderReachTheQueueInDueOrderAndNeverBeforeRedisTimeReachesTheirDue() {
        double now = redisSeconds();
        List<Double> dues = new ArrayList<>();
        while (dues.size() < 60) {
            // Fractions as PHP's microtime(true) writes them, up to two seconds ahead; a few already due.
            double due = Math.round((now - 0.2 + random.nextDouble() * 2.2) * 10_000) / 10_000.0;
            if (!dues.contains(due)) {
                dues.add(due);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < dues.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        Map<String, Double> dueOf = new HashMap<>();
        for (int i : order) {
            String payload = "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"seq\":" + i + "}}";
            redis.zadd(keys.delayed(), dues.get(i), payload);
            dueOf.put(payload, dues.get(i));
        }
        DueSetMover mover = DueSetMover.delayed(redis, keys);

        List<String> consumed = new ArrayList<>();
        Eventually.within(QueueProbe.DEADLINE, "every delayed task moved", () -> {
            mover.moveDue();
            double movedBy = redisSeconds();
            String payload;
            while ((payload = redis.rpop(keys.queue())) != null) {
                assertTrue(dueOf.get(payload) <= movedBy,
                        "moved before its due time " + dueOf.get(payload) + " (Redis time after the move " + movedBy
                                + "): " + payload);
                consumed.add(payload);
            }
            return consumed.size() == dues.size();
        });

        List<String> byDue = new ArrayList<>(dueOf.keySet());
        byDue.sort((a, b) -> Double.compare(dueOf.get(a), dueOf.get(b)));
        assertEquals(byDue, consumed, "taken from the consuming end in due order");
        assertEquals(0, redis.zcard(keys.delayed()));
    }

    @Test
    void aDueTaskGoesToTheProducersEndBehindWhatAlreadyWaits() {
        redis.lpush(keys.queue(), "waiting before");
        redis.zadd(keys.delayed(), redisSeconds() - 1, "due");
        redis.zadd(keys.delayed(), Double.POSITIVE_INFINITY, "never due");
        redis.zadd(keys.delayed(), redisSeconds() + 3600, "due in an hour");

        assertEquals(1, DueSetMover.delayed(redis, keys).moveDue());

        assertEquals(List.of("due", "waiting before"), redis.lrange(keys.queue(), 0, -1), "LPUSHed, as a producer would");
        assertEquals(List.of("due in an hour", "never due"), redis.zrange(keys.delayed(), 0, -1));
    }

    @Test
    void retriesScoredInMillisGoToTheConsumingEnd() {
        redis.lpush(keys.queue(), "waiting before");
        long nowMillis = (long) (redisSeconds() * 1000);
        redis.zadd(keys.retries(), nowMillis - 10, "due retry");
        redis.zadd(keys.retries(), nowMillis + 3_600_000, "retry in an hour");
        redis.zadd(keys.delayed(), redisSeconds() - 1, "a delayed task, not a retry");

        assertEquals(1, DueSetMover.retries(redis, keys).moveDue());

        assertEquals(List.of("waiting before", "due retry"), redis.lrange(keys.queue(), 0, -1), "RPUSHed: it runs next");
        assertEquals(List.of("retry in an hour"), redis.zrange(keys.retries(), 0, -1));
        assertEquals(1, redis.zcard(keys.delayed()));
    }

    @Test
    void oneScriptMovesAQueuesDueRetriesAndDueDelayedTasksEachToItsEnd() {
        try (TestRedis own = TestRedis.startNew(); UnifiedJedis client = own.client()) {
            client.lpush(keys.queue(), "waiting before");
            long nowMillis = (long) (redisSeconds(client) * 1000);
            client.zadd(keys.retries(), nowMillis - 10, "due retry");
            client.zadd(keys.retries(), nowMillis + 3_600_000, "retry in an hour");
            client.zadd(keys.delayed(), nowMillis / 1000.0 - 1, "due delayed task");
            client.zadd(keys.delayed(), nowMillis / 1000.0 + 3600, "delayed task due in an hour");
            long scriptsBefore = scriptCalls(client);

            assertEquals(2, DueSetMover.retriesAndDelayed(client, keys).moveDue());

            assertEquals(scriptsBefore + 1, scriptCalls(client), "one round trip for both sets");
            assertEquals(List.of("due delayed task", "waiting before", "due retry"), client.lrange(keys.queue(), 0, -1),
                    "the retry runs next, the delayed task after what already waits");
            assertEquals(List.of("retry in an hour"), client.zrange(keys.retries(), 0, -1));
            assertEquals(List.of("delayed task due in an hour"), client.zrange(keys.delayed(), 0, -1));
        }
    }

    @Test
    void aMoverWithNothingWaitingLooksAgainAfterASecond() {
        assertEquals(DueSetMover.LOOK_AGAIN, DueSetMover.retriesAndDelayed(redis, keys).moveDueThenPause());
    }

    @Test
    void aMoverLooksAgainWhenTheEarliestWaitingMemberFallsDueIfThatComesSooner() {
        long nowMillis = (long) (redisSeconds() * 1000);
        redis.zadd(keys.delayed(), nowMillis / 1000.0 + 3600, "delayed task due in an hour");
        var mover = DueSetMover.retriesAndDelayed(redis, keys);
        assertEquals(DueSetMover.LOOK_AGAIN, mover.moveDueThenPause(), "an hour away: it looks again in a second");

        redis.zadd(keys.retries(), nowMillis + 400, "retry due in 400 ms");
        java.time.Duration pause = mover.moveDueThenPause();
        assertTrue(pause.toMillis() <= 400, "looks again when the retry falls due, not later: " + pause);

        redis.zadd(keys.delayed(), nowMillis / 1000.0 + 0.3, "delayed task due in 300 ms");
        pause = mover.moveDueThenPause();
        assertTrue(pause.toMillis() <= 300, "looks again when the delayed task falls due, not later: " + pause);
        assertEquals(0, redis.llen(keys.queue()), "nothing was due");
    }

    @Test
    void aMoverThatMovedADueTaskStillLooksAgainForTheNextOne() {
        long nowMillis = (long) (redisSeconds() * 1000);
        redis.zadd(keys.retries(), nowMillis - 10, "due retry");
        redis.zadd(keys.retries(), nowMillis + 200, "retry due in 200 ms");

        java.time.Duration pause = DueSetMover.retriesAndDelayed(redis, keys).moveDueThenPause();

        assertEquals(List.of("due retry"), redis.lrange(keys.queue(), 0, -1));
        assertTrue(pause.toMillis() <= 200, "looks again when the next retry falls due: " + pause);
    }

    @Test
    void bothSetsAreMovedBatchByBatchUntilNeitherHasADueTaskLeft() {
        double past = redisSeconds() - 10;
        long pastMillis = (long) (past * 1000);
        int delayed = DueSetMover.BATCH * 2 + 3;
        int retries = DueSetMover.BATCH + 1;
        for (int i = 0; i < delayed; i++) {
            redis.zadd(keys.delayed(), past + i / 1000.0, "task " + i);
        }
        for (int i = 0; i < retries; i++) {
            redis.zadd(keys.retries(), pastMillis + i, "retry " + i);
        }

        assertEquals(delayed + retries, DueSetMover.retriesAndDelayed(redis, keys).moveDue());

        assertEquals(0, redis.zcard(keys.delayed()) + redis.zcard(keys.retries()));
        assertEquals(delayed + retries, redis.llen(keys.queue()));
    }

    @Test
    void oneCallMovesEveryDueTaskBatchByBatch() {
        double past = redisSeconds() - 10;
        int count = DueSetMover.BATCH * 3 + 7;
        for (int i = 0; i < count; i++) {
            redis.zadd(keys.delayed(), past + i / 1000.0, "task " + i);
        }

        assertEquals(count, DueSetMover.delayed(redis, keys).moveDue());

        assertEquals(count, redis.llen(keys.queue()));
        assertEquals("task 0", redis.rpop(keys.queue()), "the earliest is taken first");
    }

    @Test
    void threeMoversRacingOverManyTasksMoveEachExactlyOnceInDueOrder() throws Exception {
        double now = redisSeconds();
        int count = 3000;
        Map<String, Double> dueOf = new HashMap<>();
        for (int i = 0; i < count; i++) {
            double due = now - 0.5 + random.nextDouble() * 1.5;
            String payload = "task " + i;
            dueOf.put(payload, due);
            redis.zadd(keys.delayed(), due, payload);
        }
        ExecutorService hosts = Executors.newFixedThreadPool(3);
        try {
            List<Future<Long>> moved = new ArrayList<>();
            for (int host = 0; host < 3; host++) {
                UnifiedJedis client = TestRedis.shared().client();
                moved.add(hosts.submit(() -> {
                    try (client) {
                        var mover = DueSetMover.delayed(client, keys);
                        long total = 0;
                        while (client.zcard(keys.delayed()) > 0) {
                            total += mover.moveDue();
                        }
                        return total;
                    }
                }));
            }
            long total = 0;
            for (Future<Long> one : moved) {
                total += one.get(QueueProbe.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            assertEquals(count, total, "the movers' counts add up to the tasks");
        } finally {
            hosts.shutdownNow();
        }

        List<String> queued = redis.lrange(keys.queue(), 0, -1);
        assertEquals(count, queued.size(), "each task queued once");
        assertEquals(dueOf.keySet(), new HashSet<>(queued));
        List<String> consumingOrder = new ArrayList<>(queued);
        Collections.reverse(consumingOrder);
        for (int i = 1; i < consumingOrder.size(); i++) {
            assertTrue(dueOf.get(consumingOrder.get(i - 1)) <= dueOf.get(consumingOrder.get(i)),
                    "in due order from the consuming end at " + i);
        }
    }

    @Test
    void hostileAndHugeMembersAreMovedByteForByteAndTheMoverKeepsGoing() {
        List<byte[]> hostile = List.of(
                "{\"worker\":\"noop\",\"class\":\"Fixtures\"}\u0000\u001b[2J trailing".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xff, (byte) 0xfe, 0, 10, 13},
                new byte[0],
                huge(8 * 1024 * 1024));
        double past = redisSeconds() - 1;
        for (int i = 0; i < hostile.size(); i++) {
            redis.zadd(bytes(keys.delayed()), past + i / 100.0, hostile.get(i));
        }
        redis.zadd(keys.delayed(), past + 1, "{\"worker\":\"noop\",\"class\":\"Fixtures\"}");

        assertEquals(hostile.size() + 1, DueSetMover.delayed(redis, keys).moveDue());

        for (byte[] payload : hostile) {
            assertArrayEquals(payload, redis.rpop(bytes(keys.queue())));
        }
        assertEquals("{\"worker\":\"noop\",\"class\":\"Fixtures\"}", redis.rpop(keys.queue()));
    }

    @AfterEach
    void closeClient() {
        redis.close();
    }

    private static byte[] huge(int size) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) '[');
        return bytes;
    }

    private double redisSeconds() {
        return redisSeconds(redis);
    }

    private static long scriptCalls(UnifiedJedis client) {
        for (String line : client.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_eval:") || line.startsWith("cmdstat_evalsha:")) {
                return Long.parseLong(line.substring(line.indexOf("calls=") + "calls=".length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    private double redisSeconds(UnifiedJedis redis) {
        List<?> time = (List<?>) redis.eval("return redis.call('TIME')", List.of(keys.delayed()), List.of());
        return Long.parseLong(String.valueOf(time.get(0))) + Long.parseLong(String.valueOf(time.get(1))) / 1e6;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
