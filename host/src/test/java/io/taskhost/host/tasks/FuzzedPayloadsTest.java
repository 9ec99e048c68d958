package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of random and mutated payloads: the host neither crashes nor stalls, and every one
 * is accounted for, run or dead-lettered with its exact bytes.
 */
class FuzzedPayloadsTest {

    private static final long SEED = 20261128L;
    private static final String INSERTS = "{}[]\",:\\x ";
    private static final String[] VALID = {
        "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":[]}",
        "{\"worker\":\"ping\",\"class\":\"TaskproModel\"}",
        "{\"worker\":\"send_welcome_mail\",\"class\":\"MailTasks\",\"params\":{\"user_id\":\"42\",\"locale\":\"zh-TW\"}}",
    };

    @TempDir
    Path temp;

    @Test
    void everyRandomOrMutatedPayloadIsAccountedForAndTheHostKeepsConsuming() throws Exception {
        var random = new Random(SEED);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            payloads.add(mutate(VALID[random.nextInt(VALID.length)].getBytes(StandardCharsets.UTF_8), random));
        }
        for (int i = 0; i < 1000; i++) {
            byte[] noise = new byte[random.nextInt(120)];
            random.nextBytes(noise);
            payloads.add(noise);
        }
        payloads.add("[".repeat(5000).getBytes(StandardCharsets.UTF_8));
        payloads.add(("{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":" + "{\"a\":".repeat(200) + "1"
                + "}".repeat(201)).getBytes(StandardCharsets.UTF_8));
        payloads.add(("{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":{\"blob\":\"" + "x".repeat(2 << 20)
                + "\"}}").getBytes(StandardCharsets.UTF_8));
        for (String wrong : new String[] {"{}", "null", "42", "\"text\"", "{\"worker\":null}", "{\"worker\":[1]}",
                "{\"worker\":\"noop\",\"class\":{\"a\":1}}", "{\"worker\":\"\"}", ""}) {
            payloads.add(wrong.getBytes(StandardCharsets.UTF_8));
        }

        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar", "taskpro-example.jar");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c"),
                "--max-attempts", "1", "--outcomes-kept", "100000"));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            payloads.forEach(queue::push);
            Eventually.within(Duration.ofMinutes(5), "all " + payloads.size() + " payloads processed",
                    () -> processed(queue) >= payloads.size());

            queue.push("{\"worker\":\"whoami\",\"class\":\"Fixtures\"}");
            assertEquals("passed", queue.awaitOutcome("whoami").path("status").asText(), "still consuming");

            Map<ByteBuffer, Integer> pushed = count(payloads);
            Map<ByteBuffer, Integer> accounted = new HashMap<>();
            int passed = 0;
            for (JsonNode outcome : queue.outcomes()) {
                if (!"whoami".equals(outcome.path("worker").asText()) && outcome.path("status").asText().equals("passed")) {
                    passed++;
                }
            }
            List<byte[]> dead = new ArrayList<>();
            for (String id : queue.deadIds()) {
                dead.add(queue.deadPayload(id));
            }
            count(dead).forEach((payload, n) -> accounted.merge(payload, n, Integer::sum));
            assertEquals(payloads.size(), passed + dead.size(), "every payload either passed or is a dead letter");
            accounted.forEach((payload, n) -> assertEquals(true, pushed.getOrDefault(payload, 0) >= n,
                    "a dead letter holds bytes that were pushed"));
            assertEquals(0, queue.redis().llen(queue.keys().processing("host-" + queueKey)));
        }
    }

    private static long processed(QueueProbe queue) {
        String processed = queue.stats().get("processed");
        return processed == null ? 0 : Long.parseLong(processed);
    }

    private static Map<ByteBuffer, Integer> count(List<byte[]> payloads) {
        Map<ByteBuffer, Integer> counts = new HashMap<>();
        payloads.forEach(payload -> counts.merge(ByteBuffer.wrap(payload), 1, Integer::sum));
        return counts;
    }

    /** One to four byte flips, deletions or insertions: almost always breaks the routing, sometimes the JSON. */
    private static byte[] mutate(byte[] payload, Random random) {
        byte[] mutated = payload.clone();
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            int at = random.nextInt(mutated.length);
            switch (random.nextInt(3)) {
                case 0 -> mutated[at] = (byte) random.nextInt(256);
                case 1 -> mutated = splice(mutated, at, 1, new byte[0]);
                default -> mutated = splice(mutated, at, 0, new byte[] {(byte) INSERTS.charAt(random.nextInt(INSERTS.length()))});
            }
            if (mutated.length == 0) {
                return mutated;
            }
        }
        return mutated;
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        byte[] result = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(insert, 0, result, at, insert.length);
        System.arraycopy(bytes, at + remove, result, at + insert.length, bytes.length - at - remove);
        return result;
    }
}
