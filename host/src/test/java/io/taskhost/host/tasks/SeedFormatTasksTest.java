package io.taskhost.host.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Payloads exactly as the PHP producers write them, run by a real host in real worker JVMs. */
class SeedFormatTasksTest {

    @TempDir
    static Path temp;

    static Host host;
    static QueueProbe queue;

    @BeforeAll
    static void startHost() {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "taskpro-example.jar", "fixtures.jar");
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("cache"),
                "--max-attempts", "2"));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
    }

    @AfterAll
    static void stopHost() throws Exception {
        host.close();
        queue.close();
    }

    @Test
    void phpJsonEncodedPayloadsRunAndReturnTheirResults() {
        // json_encode escapes '/' as '\/' and non-ASCII as \\uXXXX, writes [] for an empty array,
        // and keeps a PHP string "42" a string.
        queue.push("{\"worker\":\"send_welcome_mail\",\"class\":\"MailTasks\",\"params\":{\"user_id\":\"42\","
                + "\"locale\":\"zh-TW\"},\"trace\":\"https:\\/\\/example.com\\/\\u4e2d\"}");
        queue.push("{\"worker\":\"sync_profile\",\"params\":[],\"requested_by\":\"cron\"}");
        queue.push("{\"worker\":\"echo\",\"class\":\"TaskproModel\",\"params\":{\"path\":\"a\\/b\",\"name\":\"\\u00e9\"}}");
        queue.push("{\"worker\":\"count_tags\",\"class\":\"AccountTasks\",\"params\":{\"tags\":[\"a\",\"b\",\"c\"]}}");
        queue.push("{\"worker\":\"ping\"}");

        JsonNode mail = queue.awaitOutcome("send_welcome_mail");
        assertPassed(mail);
        assertEquals(42, mail.path("result").path("user_id").asInt());
        assertEquals("welcome.zh-TW", mail.path("result").path("template").asText());
        assertEquals("taskpro-example", mail.path("plugin").path("id").asText());
        assertEquals(64, mail.path("plugin").path("sha256").asText().length());

        JsonNode sync = queue.awaitOutcome("sync_profile");
        assertPassed(sync);
        assertEquals("TaskproModel", sync.path("class").asText(), "a payload without class goes to TaskproModel");
        assertEquals("io.taskhost.examples.taskpro.AccountTasks", sync.path("javaClass").asText());
        assertTrue(sync.path("result").path("synced").asBoolean());

        JsonNode echo = queue.awaitOutcome("echo");
        assertPassed(echo);
        assertEquals("{\"path\":\"a/b\",\"name\":\"é\"}", echo.path("result").asText());

        assertEquals(3, queue.awaitOutcome("count_tags").path("result").asInt());
        assertEquals("pong", queue.awaitOutcome("ping").path("result").asText());
    }

    @Test
    void eachTaskRunsInItsOwnWorkerJvm() {
        for (int i = 0; i < 3; i++) {
            queue.push("{\"worker\":\"whoami\",\"class\":\"Fixtures\",\"params\":[]}");
        }
        List<JsonNode> whoami = queue.awaitOutcomes("whoami", 3);
        Set<Long> pids = new HashSet<>();
        for (JsonNode outcome : whoami) {
            assertPassed(outcome);
            long workerPid = outcome.path("result").asLong();
            assertEquals(outcome.path("pid").asLong(), workerPid);
            assertNotEquals(ProcessHandle.current().pid(), workerPid);
            pids.add(workerPid);
        }
        assertEquals(3, pids.size(), "three tasks, three JVMs");
    }

    @Test
    void aThrowingOperationIsRetriedThenDeadLetteredWithItsExceptionAndOriginalPayload() {
        String payload = "{\"worker\":\"fail\",\"class\":\"Fixtures\",\"params\":{\"message\":\"card declined\"}}";
        queue.push(payload);
        List<JsonNode> attempts = queue.awaitOutcomes("fail", 2);

        JsonNode first = attempts.get(0);
        assertEquals("failed", first.path("status").asText());
        assertEquals("exception", first.path("cause").asText());
        assertEquals("retry_scheduled", first.path("disposition").asText());
        assertEquals(1, first.path("attempt").asInt());
        assertEquals("java.lang.IllegalStateException", first.path("error").path("type").asText());
        assertEquals("card declined", first.path("error").path("message").asText());
        assertTrue(first.path("error").path("stackTrace").asText().contains("Fixtures._task_fail"));
        assertTrue(first.path("durationMs").isNumber());
        assertTrue(first.path("exitCode").isMissingNode(), "a worker that reported is not waited for");

        JsonNode last = attempts.get(1);
        assertEquals(2, last.path("attempt").asInt());
        assertEquals("dead_lettered", last.path("disposition").asText());
        assertTrue(last.path("reason").asText().endsWith("gave up after 2 attempts"), last.path("reason").asText());
        assertEquals(first.path("id").asText(), last.path("history").get(0).path("id").asText());
        String id = last.path("id").asText();
        assertTrue(queue.deadIds().contains(id));
        assertEquals(payload, new String(queue.deadPayload(id), java.nio.charset.StandardCharsets.UTF_8),
                "the dead letter keeps the producer's bytes, without taskhost's history");
    }

    @Test
    void aWorkerSeesOnlyAMinimalEnvironmentNeverTheHostsSecrets() {
        queue.push("{\"worker\":\"environment\",\"class\":\"Fixtures\"}");
        JsonNode environment = queue.awaitOutcome("environment").path("result");
        var names = new java.util.TreeSet<String>();
        environment.fieldNames().forEachRemaining(names::add);
        assertTrue(java.util.Set.of("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR").containsAll(names), names.toString());
        assertTrue(System.getenv().size() > names.size(), "the host itself has more variables than it passes on");
    }

    @Test
    void aWorkerThatCallsSystemExitFailsWithItsExitCode() {
        queue.push("{\"worker\":\"exit\",\"class\":\"Fixtures\",\"params\":{\"code\":7}}");
        JsonNode exited = queue.awaitOutcome("exit");
        assertEquals("failed", exited.path("status").asText());
        assertEquals("worker_exit", exited.path("cause").asText());
        assertEquals(7, exited.path("exitCode").asInt());
        assertTrue(exited.path("reason").asText().contains("exited with code 7"));
    }

    private static void assertPassed(JsonNode outcome) {
        assertEquals("passed", outcome.path("status").asText(), outcome.toString());
    }
}
