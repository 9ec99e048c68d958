package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Payloads that are not runnable tasks end in the dead letters, byte for byte, and the host goes on. */
class UndeliverablePayloadsTest {

    @TempDir
    Path temp;

    @Test
    void brokenJsonUnknownClassAndUnknownOperationAreDeadLetteredWithTheirExactBytes() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "taskpro-example.jar", "fixtures.jar");
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        payloads.put("bad_payload", "{\"worker\":\"ping\",\"params\":{".getBytes(StandardCharsets.UTF_8));
        payloads.put("unknown_class", "{\"worker\":\"ping\",\"class\":\"NoSuchModel\"}".getBytes(StandardCharsets.UTF_8));
        payloads.put("unknown_operation",
                "{\"worker\":\"no_such_op\",\"class\":\"TaskproModel\",\"params\":[]}".getBytes(StandardCharsets.UTF_8));
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '{', 0};

        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            payloads.values().forEach(queue::push);
            queue.push(notUtf8);
            queue.push("{\"worker\":\"exec\",\"class\":\"java.lang.Runtime\",\"params\":[\"touch /tmp/pwned\"]}");
            queue.push("{\"worker\":\"sync_profile\"}");

            assertEquals("passed", queue.awaitOutcome("sync_profile").path("status").asText(),
                    "the host keeps consuming after bad input");
            Eventually.within(Duration.ofSeconds(30), "5 dead letters", () -> queue.deadIds().size() == 5);

            Map<String, JsonNode> byCause = new LinkedHashMap<>();
            for (String id : queue.deadIds()) {
                JsonNode record = queue.deadRecord(id);
                byte[] stored = queue.deadPayload(id);
                if ("bad_payload".equals(record.path("cause").asText()) && stored[0] == (byte) 0xff) {
                    assertArrayEquals(notUtf8, stored);
                    continue;
                }
                if ("java.lang.Runtime".equals(record.path("class").asText())) {
                    assertEquals("unknown_class", record.path("cause").asText());
                    continue;
                }
                byCause.put(record.path("cause").asText(), record);
                assertArrayEquals(payloads.get(record.path("cause").asText()), stored, record.toString());
            }
            assertEquals(payloads.keySet(), byCause.keySet());
            assertTrue(byCause.get("bad_payload").path("reason").asText().contains("not valid JSON"));
            assertTrue(byCause.get("unknown_class").path("reason").asText().contains("NoSuchModel"));
            assertTrue(byCause.get("unknown_operation").path("reason").asText().contains("ping"),
                    "the reason lists the operations that exist");
            assertEquals("6", queue.stats().get("processed"));
            assertEquals("5", queue.stats().get("failed"));
            assertEquals(0, queue.redis().llen(queue.keys().processing("host-" + queueKey)));
        }
    }
}
