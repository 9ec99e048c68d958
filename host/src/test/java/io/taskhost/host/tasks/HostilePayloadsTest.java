package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads crafted to make the host loop or choke: trailing bytes after the object, a forged or
 * broken {@code _taskhost} field. Each ends as one bad_payload dead letter with its exact bytes,
 * on its first fetch, and the host keeps consuming.
 */
class HostilePayloadsTest {

    private static final String[] HOSTILE = {
        "{\"worker\":\"fail\",\"class\":\"Fixtures\"} }",
        "{\"worker\":\"fail\",\"class\":\"Fixtures\"}{\"worker\":\"noop\",\"class\":\"Fixtures\"}",
        "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"_taskhost\":{\"attempt\":\"abc\"}}",
        "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"_taskhost\":{\"attempt\":2,\"history\":[{\"attempt\":\"abc\"}]}}",
        "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"_taskhost\":{\"attempt\":2,\"history\":[{\"id\":\"x\","
                + "\"attempt\":1,\"cause\":\"exception\",\"at\":1,\"smuggled\":true}]}}",
        "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"_taskhost\":\"forged\"}",
    };

    @TempDir
    Path temp;

    @Test
    void trailingBytesAndAMalformedTaskhostFieldAreDeadLetteredOnceWithTheirBytes() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--max-attempts", "3"));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            for (String payload : HOSTILE) {
                queue.push(payload);
            }
            queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"after\":\"the hostile ones\"}}");

            assertEquals("passed", queue.awaitOutcome("echo").path("status").asText(), "the host keeps consuming");
            Eventually.within(QueueProbe.DEADLINE, HOSTILE.length + " dead letters",
                    () -> queue.deadIds().size() == HOSTILE.length);
            List<String> stored = new ArrayList<>();
            for (String id : queue.deadIds()) {
                JsonNode record = queue.deadRecord(id);
                assertEquals("bad_payload", record.path("cause").asText(), record.toString());
                assertEquals(1, record.path("attempt").asInt(), record.toString());
                assertNull(record.get("retryAt"), "a bad payload is never retried: " + record);
                stored.add(new String(queue.deadPayload(id), StandardCharsets.UTF_8));
            }
            for (String payload : HOSTILE) {
                assertTrue(stored.contains(payload), "dead-lettered byte for byte: " + payload);
            }
            assertEquals(null, queue.stats().get("retried"), "nothing was retried: " + queue.stats());
            assertEquals(0, queue.redis().zcard(queue.keys().retries()));
        }
    }
}
