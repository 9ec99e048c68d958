package io.taskhost.host.failures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** A page of dead letters, filtered within a bounded window; one deleted by id. */
class DeadLetterPageTest {

    private final UnifiedJedis redis = TestRedis.shared().client();
    private final QueueKeys keys = new QueueKeys(TestHosts.uniqueQueue());
    private final DeadLetters deadLetters = new DeadLetters(redis, keys);

    @Test
    void aPageHoldsTheNewestFirstAndSaysWhereTheNextStarts() {
        write(250, 10);

        DeadLetters.Page first = deadLetters.page(0, 20, letter -> true, 20);
        DeadLetters.Page last = deadLetters.page(240, 20, letter -> true, 20);

        assertEquals(250, first.total());
        assertEquals(20, first.letters().size());
        assertEquals("letter-249", first.letters().get(0).id());
        assertEquals("{\"n\":249}", new String(first.letters().get(0).payload(), StandardCharsets.UTF_8));
        assertEquals(20, first.scanned());
        assertEquals(20, first.nextOffset());
        assertEquals(10, last.letters().size());
        assertEquals(-1, last.nextOffset());
    }

    @Test
    void aFilterLooksNoFurtherThanItsWindow() {
        write(250, 10);

        DeadLetters.Page rare = deadLetters.page(0, 3, letter -> letter.record().path("class").asText().equals("Rare"),
                1000);
        DeadLetters.Page bounded = deadLetters.page(0, 50, letter -> letter.record().path("class").asText()
                .equals("Rare"), 105);

        assertEquals(List.of("letter-240", "letter-230", "letter-220"), rare.letters().stream().map(DeadLetter::id)
                .toList());
        assertEquals(30, rare.nextOffset());
        assertEquals(105, bounded.scanned());
        assertEquals(10, bounded.letters().size(), "letter-240 to letter-150");
        assertEquals(105, bounded.nextOffset());
    }

    @Test
    void deleteRemovesTheIdTheRecordAndThePayload() {
        write(3, 10);

        assertTrue(deadLetters.delete("letter-1"));
        assertFalse(deadLetters.delete("letter-1"));

        assertEquals(List.of("letter-2", "letter-0"), redis.lrange(keys.dead(), 0, -1));
        assertFalse(redis.hexists(keys.deadRecords(), "letter-1"));
        assertFalse(redis.hexists(keys.deadPayloads(), "letter-1"));
    }

    private void write(int count, int rareEvery) {
        for (int i = 0; i < count; i++) {
            String id = "letter-" + i;
            redis.hset(keys.deadRecords(), id, "{\"id\":\"" + id + "\",\"class\":\"" + (i % rareEvery == 0 ? "Rare"
                    : "Common") + "\"}");
            redis.hset(keys.deadPayloads(), id, "{\"n\":" + i + "}");
            redis.lpush(keys.dead(), id);
        }
    }
}
