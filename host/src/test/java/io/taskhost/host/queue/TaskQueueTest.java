package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/** The fetch script against a real Redis. */
class TaskQueueTest {

    private final UnifiedJedis redis = TestRedis.shared().client();
    private final QueueKeys keys = new QueueKeys(TestHosts.uniqueQueue());

    /**
     * The cluster client sends a command again when its connection fails, and the first one may
     * have run: the same attempt id must then get the task it took, not take a second one that no
     * slot would ever run.
     */
    @Test
    void aTakeSentAgainAfterItsReplyWasLostGetsTheTaskItTookAndTakesNoOther() {
        redis.lpush(keys.queue(), "first", "second");
        byte[] processing = bytes(keys.processing("host-1"));
        byte[] id = bytes(UUID.randomUUID().toString());

        List<byte[]> takeKeys = List.of(bytes(keys.queue()), processing, bytes(keys.paused()),
                bytes(keys.paused("host-1")));

        byte[] taken = (byte[]) ((List<?>) redis.eval(TaskQueue.TAKE, takeKeys, List.of(id))).get(0);
        byte[] takenAgain = (byte[]) ((List<?>) redis.eval(TaskQueue.TAKE, takeKeys, List.of(id))).get(0);

        assertArrayEquals(bytes("first"), taken);
        assertArrayEquals(bytes("first"), takenAgain);
        assertEquals(List.of("second"), redis.lrange(keys.queue(), 0, -1));
        assertEquals(1, redis.llen(processing));
    }

    @Test
    void eachNewAttemptTakesTheNextTask() {
        redis.lpush(keys.queue(), "first", "second");
        var queue = new TaskQueue(redis, keys, "host-1", java.time.Duration.ofSeconds(1));

        assertArrayEquals(bytes("first"), queue.fetch().orElseThrow().payload());
        assertArrayEquals(bytes("second"), queue.fetch().orElseThrow().payload());
        assertEquals(2, queue.processing().size());
    }

    @Test
    void afterAFetchThatFoundNothingAnIdleFetchIsOneWaitAndATaskThatCameIsStillTaken() {
        try (TestRedis own = TestRedis.startNew()) {
            UnifiedJedis client = own.client();
            var queue = new TaskQueue(client, keys, "host-1", java.time.Duration.ofSeconds(1));
            assertEquals(java.util.Optional.empty(), queue.fetch());

            client.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");
            assertEquals(java.util.Optional.empty(), queue.fetch());
            String calls = client.info("commandstats");
            assertTrue(calls.contains("cmdstat_blmove:calls=1,"), calls);
            assertFalse(calls.contains("cmdstat_eval"), "no take of an idle queue:\n" + calls);

            client.lpush(keys.queue(), "first");
            assertArrayEquals(bytes("first"), queue.fetch().orElseThrow().payload());
            client.lpush(keys.queue(), "second");
            assertArrayEquals(bytes("second"), queue.fetch().orElseThrow().payload());
        }
    }

    /** A slot that takes its next task as it records one relies on the take to honour a pause. */
    @Test
    void aTakeTakesNothingWhileTheQueueOrTheHostIsPaused() {
        redis.lpush(keys.queue(), "first");
        var queue = new TaskQueue(redis, keys, "host-1", java.time.Duration.ofSeconds(1));
        var pauses = new PauseFlags(redis, keys);

        pauses.pause(java.util.Optional.of("host-1"));
        assertEquals(java.util.Optional.empty(), queue.take());
        pauses.resume(java.util.Optional.of("host-1"));
        pauses.pause(java.util.Optional.empty());
        assertEquals(java.util.Optional.empty(), queue.take());
        assertEquals(1, redis.llen(keys.queue()), "still on the queue");

        pauses.resume(java.util.Optional.empty());
        assertArrayEquals(bytes("first"), queue.take().orElseThrow().payload());
    }

    @Test
    void aTakeOfSeveralIdsTakesAsManyOfTheOldestTasksAsTheQueueHasInOrder() {
        redis.lpush(keys.queue(), "first", "second", "third");
        var queue = new TaskQueue(redis, keys, "host-1", java.time.Duration.ofSeconds(1));
        List<String> ids = List.of(id(), id(), id(), id());

        List<TaskEntry> taken = queue.taken(ids, redis.eval(TaskQueue.TAKE, takeKeys(), ids.stream().map(
                TaskQueueTest::bytes).toList()));

        assertEquals(List.of("first", "second", "third"), taken.stream().map(t -> text(t.payload())).toList());
        assertEquals(ids.subList(0, 3), taken.stream().map(TaskEntry::id).toList());
        assertEquals(0, redis.llen(keys.queue()));
        assertEquals(3, queue.processing().size(), "each is in the processing list, as its own attempt's entry");
    }

    /** Sent again after a lost reply, a take of several gets what it took and takes nothing more. */
    @Test
    void aTakeOfSeveralSentAgainGetsTheTasksItTookAndTakesNoOthers() {
        redis.lpush(keys.queue(), "first", "second", "third", "fourth");
        var queue = new TaskQueue(redis, keys, "host-1", java.time.Duration.ofSeconds(1));
        List<String> ids = List.of(id(), id());
        List<byte[]> args = ids.stream().map(TaskQueueTest::bytes).toList();

        List<TaskEntry> taken = queue.taken(ids, redis.eval(TaskQueue.TAKE, takeKeys(), args));
        List<TaskEntry> takenAgain = queue.taken(ids, redis.eval(TaskQueue.TAKE, takeKeys(), args));

        assertEquals(List.of("first", "second"), taken.stream().map(t -> text(t.payload())).toList());
        assertEquals(List.of("first", "second"), takenAgain.stream().map(t -> text(t.payload())).toList());
        assertEquals(List.of("fourth", "third"), redis.lrange(keys.queue(), 0, -1));
        assertEquals(2, queue.processing().size());
    }

    @Test
    void aTakeOfSeveralTakesNothingWhileTheHostIsPaused() {
        redis.lpush(keys.queue(), "first", "second");
        var queue = new TaskQueue(redis, keys, "host-1", java.time.Duration.ofSeconds(1));
        new PauseFlags(redis, keys).pause(java.util.Optional.of("host-1"));
        List<String> ids = List.of(id(), id());

        assertEquals(List.of(), queue.taken(ids, redis.eval(TaskQueue.TAKE, takeKeys(),
                ids.stream().map(TaskQueueTest::bytes).toList())));
        assertEquals(2, redis.llen(keys.queue()));
    }

    private List<byte[]> takeKeys() {
        return List.of(bytes(keys.queue()), bytes(keys.processing("host-1")), bytes(keys.paused()),
                bytes(keys.paused("host-1")));
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
