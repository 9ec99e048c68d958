package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's output is held in the host's memory only up to its caps: an endless line, a chatty
 * failure or a huge result cannot exhaust the host, nor push a retry's payload past max-payload-bytes.
 */
class BoundedWorkerOutputTest {

    /** Well above the host's caps on a reason (8 KiB) and far below what the tasks print. */
    private static final int REASON_BOUND = 10_000;
    private static final int HISTORY_REASON_BOUND = 1_000;

    @TempDir
    Path temp;

    private Host host;
    private QueueProbe queue;

    private void start(String... flags) {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        List<String> all = new java.util.ArrayList<>(List.of("--max-attempts", "3", "--poison-deaths", "10",
                "--retry-backoff", "100ms"));
        all.addAll(List.of(flags));
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("cache"),
                all.toArray(String[]::new)));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
            queue.close();
        }
    }

    @Test
    void aSixtyFourMebibyteLineIsCutAndTheHostKeepsOnlyItsCap() {
        start();
        queue.push("{\"worker\":\"shout\",\"class\":\"Fixtures\",\"params\":{\"bytes\":67108864,\"code\":5}}");
        List<JsonNode> runs = queue.awaitOutcomes("shout", 3);
        for (JsonNode run : runs) {
            String reason = run.path("reason").asText();
            assertEquals("worker_exit", run.path("cause").asText(), reason.substring(0, Math.min(300, reason.length())));
            assertTrue(reason.length() < REASON_BOUND, "a reason of " + reason.length() + " characters");
            assertTrue(reason.contains("[truncated, 67108864 bytes in all]"), reason);
        }
        assertEquals("dead_lettered", runs.get(2).path("disposition").asText());
        queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"after\":\"the shout\"}}");
        assertEquals("passed", queue.awaitOutcome("echo").path("status").asText(), "the host lives on");
    }

    @Test
    void aChattyDyingTaskKeepsItsRealCauseThroughEveryRetry() {
        start();
        queue.push("{\"worker\":\"spew\",\"class\":\"Fixtures\",\"params\":{\"lines\":20,\"lineBytes\":60000,\"code\":5}}");
        assertRealCauseKept(queue.awaitOutcomes("spew", 3), "worker_exit");
    }

    @Test
    void aTaskThatThrowsAHugeMessageKeepsItsRealCauseThroughEveryRetry() {
        start();
        queue.push("{\"worker\":\"spew\",\"class\":\"Fixtures\",\"params\":{\"lines\":0,\"messageBytes\":2000000}}");
        assertRealCauseKept(queue.awaitOutcomes("spew", 3), "exception");
    }

    @Test
    void aFailureWhoseRetryWouldPassMaxPayloadBytesIsDeadLetteredNowWithItsRealCause() {
        start("--max-payload-bytes", "4096");
        String pad = "p".repeat(4096 - 200);
        queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\",\"params\":{\"message\":\"boom\",\"pad\":\"" + pad + "\"}}");
        JsonNode failed = queue.awaitOutcome("fail");
        assertEquals("exception", failed.path("cause").asText());
        assertEquals("dead_lettered", failed.path("disposition").asText(), failed.toString());
        assertTrue(failed.path("reason").asText().contains("max-payload-bytes"), failed.path("reason").asText());
        assertTrue(queue.deadIds().contains(failed.path("id").asText()));
    }

    @Test
    void aResultLargerThanTheReportCapEndsAsReportTooLargeAndIsNotRetried() {
        start();
        queue.push("{\"worker\":\"huge_result\",\"class\":\"Fixtures\",\"params\":{\"bytes\":8388608}}");
        JsonNode outcome = queue.awaitOutcome("huge_result");
        assertEquals("report_too_large", outcome.path("cause").asText());
        assertEquals("dead_lettered", outcome.path("disposition").asText());
        String reason = outcome.path("reason").asText();
        assertTrue(reason.contains("4194304"), reason);
        assertTrue(reason.length() < REASON_BOUND, reason);
        queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"after\":\"the huge result\"}}");
        assertEquals("passed", queue.awaitOutcome("echo").path("status").asText(), "the host lives on");
    }

    private void assertRealCauseKept(List<JsonNode> runs, String cause) {
        for (JsonNode run : runs) {
            String reason = run.path("reason").asText();
            assertEquals(cause, run.path("cause").asText(), reason.substring(0, Math.min(300, reason.length())));
            assertTrue(reason.length() < REASON_BOUND, "a reason of " + reason.length() + " characters");
            for (JsonNode past : run.path("history")) {
                assertEquals(cause, past.path("cause").asText());
                assertTrue(past.path("reason").asText().length() < HISTORY_REASON_BOUND,
                        "a history reason of " + past.path("reason").asText().length() + " characters");
            }
        }
        assertEquals(List.of("retry_scheduled", "retry_scheduled", "dead_lettered"),
                runs.stream().map(run -> run.path("disposition").asText()).toList());
    }
}
