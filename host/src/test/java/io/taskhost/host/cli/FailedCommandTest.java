package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.Cause;
import io.taskhost.host.outcomes.Disposition;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.outcomes.OutcomeRecord.PluginRef;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisScheme;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import io.taskhost.worker.WorkerReport.ErrorInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code taskhost failed} against a real Redis, with dead letters written by the real {@link OutcomeLog}. */
class FailedCommandTest {

    private static final String HOST = "test-host";
    private static final Instant FIRST_FAILURE = Instant.parse("2026-03-01T10:15:30.250Z");
    private static final byte[] NOT_UTF8 = {(byte) 0xff, (byte) 0xfe, '{', 0};
    private static final String LONG_REASON = "the worker JVM exited with code 3 before it reported; its last stderr"
            + " lines:\nException in thread \"main\" java.lang.NoClassDefFoundError: com/example/Missing\n\tat x";

    private final ObjectMapper mapper = new ObjectMapper();
    private String queue;
    private QueueProbe probe;
    private OutcomeLog outcomes;
    private int seeded;

    @BeforeEach
    void seedNothingYet() {
        queue = TestHosts.uniqueQueue();
        probe = new QueueProbe(TestRedis.shared(), queue);
        outcomes = new OutcomeLog(probe.redis(), probe.keys(), 100, mapper);
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    @Test
    void listPrintsOneLinePerDeadLetterNewestFirst() {
        String exception = failedWithException("{\"class\":\"MailTasks\",\"worker\":\"send_welcome_mail\"}");
        String unparsed = unparsedPayload(NOT_UTF8);
        String exited = deadLetter("{\"class\":\"Fixtures\",\"worker\":\"exit\"}", "Fixtures", "exit",
                Cause.WORKER_EXIT, LONG_REASON, null);

        Result list = failed("list");

        assertEquals(0, list.code(), list.err());
        List<String> lines = list.out().lines().toList();
        assertEquals(3, lines.size(), list.out());
        assertTrue(lines.get(0).startsWith(exited + "  2026-03-01T10:17:30Z  Fixtures.exit  worker_exit  "
                + "the worker JVM exited with code 3 before it reported; its last stderr lines: Exception in"),
                lines.get(0));
        assertTrue(lines.get(0).endsWith("…"), "a long reason is cut: " + lines.get(0));
        assertEquals(exited.length() + "  2026-03-01T10:17:30Z  Fixtures.exit  worker_exit  ".length()
                + DeadLetterText.REASON_WIDTH, lines.get(0).length());
        assertEquals(unparsed + "  2026-03-01T10:16:30Z  (unparsed payload)  bad_payload  the payload is not valid"
                + " JSON", lines.get(1));
        assertEquals(exception + "  2026-03-01T10:15:30Z  MailTasks.send_welcome_mail  exception"
                + "  java.lang.IllegalStateException: mail server said no", lines.get(2));
    }

    @Test
    void listLimitKeepsTheNewest() {
        failedWithException("{\"worker\":\"a\"}");
        String second = failedWithException("{\"worker\":\"b\"}");
        String third = failedWithException("{\"worker\":\"c\"}");

        Result list = failed("list", "--limit", "2");

        assertEquals(0, list.code(), list.err());
        assertEquals(List.of(third, second), list.out().lines().map(line -> line.split(" ")[0]).toList());
    }

    @Test
    void listOfNoDeadLettersSaysSoOnStandardError() {
        Result list = failed("list");

        assertEquals(0, list.code());
        assertEquals("", list.out());
        assertTrue(list.err().contains("No dead letters in {" + queue + "}:dead"), list.err());
    }

    @Test
    void listJsonIsAnArrayOfTheRecordsNewestFirst() throws IOException {
        String first = failedWithException("{\"class\":\"MailTasks\",\"worker\":\"send_welcome_mail\"}");
        String second = unparsedPayload(NOT_UTF8);

        Result list = failed("list", "--json");

        assertEquals(0, list.code(), list.err());
        JsonNode records = mapper.readTree(list.out());
        assertTrue(records.isArray(), list.out());
        assertEquals(List.of(second, first), Stream.of(records.get(0), records.get(1)).map(r -> r.get("id").asText())
                .toList());
        assertEquals("send_welcome_mail", records.get(1).get("worker").asText());
        assertEquals("java.lang.IllegalStateException", records.get(1).get("error").get("type").asText());
        assertEquals(probe.deadRecord(first), records.get(1));
    }

    @Test
    void showPrintsTheRecordTheStackTraceAndThePayload() {
        String payload = "{\"class\":\"MailTasks\",\"worker\":\"send_welcome_mail\",\"params\":{\"user_id\":42}}";
        String id = failedWithException(payload);

        Result show = failed("show", id);

        assertEquals(0, show.code(), show.err());
        String text = show.out();
        for (String expected : List.of("id        " + id, "status    failed", "cause     exception",
                "reason    java.lang.IllegalStateException: mail server said no",
                "task      MailTasks.send_welcome_mail (attempt 2)", "queue     " + queue, "host      " + HOST,
                "plugin    taskpro-example 1.2.0, taskpro-example.jar, sha256 db84",
                "code      io.taskhost.examples.taskpro.MailTasks#_task_send_welcome_mail",
                "finished  2026-03-01T10:15:30.250Z (ran 26 ms, 759 ms after fetch)",
                "worker    pid 7391, exit code 0, cold JVM, sandbox bubblewrap",
                "error     java.lang.IllegalStateException: mail server said no",
                "stack trace:\n  java.lang.IllegalStateException: mail server said no\n"
                        + "  \tat io.taskhost.examples.taskpro.MailTasks._task_send_welcome_mail(MailTasks.java:31)",
                "payload (" + payload.length() + " bytes):\n" + payload + "\n")) {
            assertTrue(text.contains(expected), "expected\n" + expected + "\nin\n" + text);
        }
    }

    @Test
    void showIndentsTheFurtherLinesOfAReason() {
        String id = deadLetter("{\"worker\":\"exit\"}", null, "exit", Cause.WORKER_EXIT, LONG_REASON, null);

        Result show = failed("show", id);

        assertTrue(show.out().contains("reason    the worker JVM exited with code 3 before it reported; its last stderr"
                + " lines:\n          Exception in thread \"main\" java.lang.NoClassDefFoundError: com/example/Missing\n"
                + "          \tat x\ntask      exit\n"), show.out());
    }

    @Test
    void showSaysWhenThePayloadIsNotUtf8() {
        String id = unparsedPayload(NOT_UTF8);

        Result show = failed("show", id);

        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("task      (unparsed payload)"), show.out());
        assertTrue(show.out().contains("payload (4 bytes, not valid UTF-8, so invalid bytes show as U+FFFD; base64 "
                + Base64.getEncoder().encodeToString(NOT_UTF8) + "):\n\uFFFD\uFFFD{\\u0000\n"), show.out());
    }

    @Test
    void listAndShowPrintAHostileDeadLetterWithItsControlCharactersEscaped() {
        String forged = "2020-01-01T00:00:00.000 ERROR [main] Host task=- plugin=- FORGED";
        String taskClass = "Mail\n" + forged + "\u001b[31m";
        String worker = "send\u001b]0;pwned\u0007\r\u0085";
        String reason = "first line\n" + forged + "\u001b[2J\nlast line";
        String payload = "{\"class\":\"Mail\\n\",\"worker\":\"send\"}\r\n\u001b[2J";
        String trace = "java.lang.IllegalStateException: " + forged + "\u001b[1m\n\tat x.Y.z(Y.java:1)\r\n"
                + "\tat a.B.c(B.java:2)\n";
        String id = deadLetter(payload, taskClass, worker, Cause.EXCEPTION, reason,
                new ErrorInfo("java.lang.IllegalStateException", "bad\u001b[5m", trace));

        Result list = failed("list");
        Result show = failed("show", id);

        assertEquals(0, list.code(), list.err());
        assertEquals(1, list.out().lines().count(), list.out());
        assertTrue(list.out().contains("  Mail\\n" + forged + "\\u001b[31m.send\\u001b]0;pwned\\u0007\\r\\u0085"
                + "  exception  first line " + forged + "\\u001b[2J last line\n"), list.out());
        assertNoControlCharacterButLineBreaksAndTabs(list.out());

        assertEquals(0, show.code(), show.err());
        assertNoControlCharacterButLineBreaksAndTabs(show.out());
        assertTrue(show.out().lines().noneMatch(line -> line.startsWith("2020-01-01")), show.out());
        for (String expected : List.of(
                "reason    first line\n          " + forged + "\\u001b[2J\n          last line\n",
                "task      Mail\\n" + forged + "\\u001b[31m.send\\u001b]0;pwned\\u0007\\r\\u0085 (attempt 2)\n",
                "error     java.lang.IllegalStateException: bad\\u001b[5m\n",
                "stack trace:\n  java.lang.IllegalStateException: " + forged + "\\u001b[1m\n  \tat x.Y.z(Y.java:1)\\r\n"
                        + "  \tat a.B.c(B.java:2)\n",
                "payload (" + payload.length() + " bytes):\n{\"class\":\"Mail\\n\",\"worker\":\"send\"}\\r\n"
                        + "\\u001b[2J\n")) {
            assertTrue(show.out().contains(expected), "expected\n" + expected + "\nin\n" + show.out());
        }
    }

    @Test
    void jsonOutputIsJsonThatHoldsNoRawControlCharacter() throws IOException {
        String taskClass = "Mail\n\u001b[31m\u007f\u0085\u2028\u202e";
        String payload = "{\"class\":\"Mail\\n\\u001b\u0085\u2028\"}";
        String id = deadLetter(payload, taskClass, "send", Cause.EXCEPTION, "reason\u009b2J", null);

        Result list = failed("list", "--json");
        Result show = failed("show", id, "--json");

        for (Result json : List.of(list, show)) {
            assertEquals(0, json.code(), json.err());
            assertNoControlCharacterButLineBreaksAndTabs(json.out());
            assertFalse(json.out().contains("\u2028") || json.out().contains("\u202e"), json.out());
        }
        assertEquals(taskClass, mapper.readTree(list.out()).get(0).get("class").asText());
        JsonNode shown = mapper.readTree(show.out());
        assertEquals(taskClass, shown.get("record").get("class").asText());
        assertEquals("reason\u009b2J", shown.get("record").get("reason").asText());
        assertEquals(payload, shown.get("payload").asText());
    }

    @Test
    void showJsonGivesARecordStoredWithRawControlCharactersBetweenItsTokensAsJson() throws IOException {
        String id = failedWithException("{\"worker\":\"sync\"}");
        String stored = probe.redis().hget(probe.keys().deadRecords(), id);
        probe.redis().hset(probe.keys().deadRecords(), id, stored.replaceFirst("^\\{", "{\r\n"));

        Result show = failed("show", id, "--json");

        assertEquals(0, show.code(), show.err());
        assertNoControlCharacterButLineBreaksAndTabs(show.out().stripTrailing());
        assertEquals(probe.deadRecord(id), mapper.readTree(show.out()).get("record"));
    }

    private static void assertNoControlCharacterButLineBreaksAndTabs(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertTrue(Character.getType(c) != Character.CONTROL || c == '\n' || c == '\t',
                    String.format("raw U+%04X at %d in%n%s", (int) c, i, text));
        }
    }

    @Test
    void showJsonGivesTheRecordAsStoredAndThePayloadAsTextAndBase64() throws IOException {
        String payload = "{\"worker\":\"send_welcome_mail\",\"params\":{\"name\":\"Zoë 🚀\"}}";
        String id = failedWithException(payload);

        Result show = failed("show", id, "--json");

        assertEquals(0, show.code(), show.err());
        JsonNode shown = mapper.readTree(show.out());
        assertEquals(probe.deadRecord(id), shown.get("record"));
        assertEquals(payload, shown.get("payload").asText());
        assertArrayEquals(payload.getBytes(StandardCharsets.UTF_8),
                Base64.getDecoder().decode(shown.get("payloadBase64").asText()));
    }

    @Test
    void showJsonGivesNoTextForAPayloadThatIsNotUtf8() throws IOException {
        String id = unparsedPayload(NOT_UTF8);

        JsonNode shown = mapper.readTree(failed("show", id, "--json").out());

        assertTrue(shown.get("payload").isNull(), shown.toString());
        assertArrayEquals(NOT_UTF8, Base64.getDecoder().decode(shown.get("payloadBase64").asText()));
    }

    @Test
    void showKeepsFieldsALaterVersionAddedToTheRecord() throws IOException {
        String id = failedWithException("{\"worker\":\"sync\"}");
        String later = probe.redis().hget(probe.keys().deadRecords(), id).replaceFirst("\\}$",
                ",\"history\":[{\"attempt\":1,\"cause\":\"timeout\",\"host\":\"h1\",\"reason\":\"slow\"}],"
                        + "\"labels\":{\"weight\":1.50}}");
        probe.redis().hset(probe.keys().deadRecords(), id, later);

        Result json = failed("show", id, "--json");
        Result text = failed("show", id);

        assertTrue(json.out().startsWith("{\"record\":" + later + ","), json.out());
        assertTrue(text.out().contains("also      labels (see --json)"), text.out());
        assertTrue(text.out().contains("earlier   attempt 1 on h1: timeout: slow"), text.out());
    }

    @Test
    void showOfAnUnknownIdExitsWith1() {
        failedWithException("{\"worker\":\"sync\"}");

        Result show = failed("show", "no-such-id");

        assertEquals(1, show.code());
        assertEquals("", show.out());
        assertTrue(show.err().contains("No dead letter no-such-id in {" + queue + "}:dead:records"), show.err());
    }

    @Test
    void retryPushesTheOriginalBytesBackOntoTheQueue() {
        String kept = failedWithException("{\"worker\":\"sync\"}");
        String id = unparsedPayload(NOT_UTF8);

        Result retry = failed("retry", id);

        assertEquals(0, retry.code(), retry.err());
        assertTrue(retry.out().contains(id + " (4 bytes) back onto " + queue), retry.out());
        assertEquals(1, probe.queueLength());
        assertArrayEquals(NOT_UTF8, queueBytes().get(0));
        assertEquals(List.of(kept), probe.deadIds());
        assertNull(probe.redis().hget(probe.keys().deadRecords(), id));
        assertNull(probe.deadPayload(id));
        assertTrue(probe.deadPayload(kept) != null, "the other dead letter stays");
    }

    @Test
    void retryOfAnUnknownIdExitsWith1AndPushesNothing() {
        String kept = failedWithException("{\"worker\":\"sync\"}");

        Result retry = failed("retry", "no-such-id");

        assertEquals(1, retry.code());
        assertTrue(retry.err().contains("No dead letter no-such-id"), retry.err());
        assertEquals(0, probe.queueLength());
        assertEquals(List.of(kept), probe.deadIds());
    }

    @Test
    void retryAllPushesEveryDeadLetterBackOldestFirst() {
        List<byte[]> payloads = new ArrayList<>();
        for (String worker : List.of("first", "second", "third")) {
            byte[] payload = ("{\"worker\":\"" + worker + "\"}").getBytes(StandardCharsets.UTF_8);
            payloads.add(payload);
            failedWithException(new String(payload, StandardCharsets.UTF_8));
        }
        payloads.add(NOT_UTF8);
        unparsedPayload(NOT_UTF8);

        Result retry = failed("retry", "--all");

        assertEquals(0, retry.code(), retry.err());
        assertTrue(retry.out().contains("Pushed 4 dead letter(s) back onto " + queue), retry.out());
        List<byte[]> consumedOrder = new ArrayList<>(queueBytes());
        Collections.reverse(consumedOrder);
        assertEquals(payloads.size(), consumedOrder.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), consumedOrder.get(i), "task " + i + " in the order a host takes them");
        }
        assertEquals(List.of(), probe.deadIds());
        assertEquals(0, probe.redis().hlen(probe.keys().deadRecords()));
        assertEquals(0, probe.redis().hlen(probe.keys().deadPayloads()));
    }

    @Test
    void retryNeedsEitherAnIdOrAll() {
        String id = failedWithException("{\"worker\":\"sync\"}");

        assertEquals(2, failed("retry").code());
        Result both = failed("retry", id, "--all");

        assertEquals(2, both.code());
        assertTrue(both.err().contains("name one dead letter by its ID, or give --all"), both.err());
        assertEquals(List.of(id), probe.deadIds());
    }

    @Test
    void purgeWithoutYesRefusesWithExitCode2AndKeepsTheDeadLetters() {
        String id = failedWithException("{\"worker\":\"sync\"}");

        Result purge = failed("purge");

        assertEquals(2, purge.code());
        assertTrue(purge.err().contains("add --yes to confirm"), purge.err());
        assertEquals(List.of(id), probe.deadIds());
    }

    @Test
    void purgeMustBeConfirmedOnTheCommandLineNotByTheEnvironment() {
        String id = failedWithException("{\"worker\":\"sync\"}");
        var commandLine = new CommandLine(new FailedCommand());
        commandLine.setDefaultValueProvider(new SettingsDefaults(Map.of("TASKHOST_YES", "true",
                "TASKHOST_REDIS", TestRedis.shared().url(), "TASKHOST_QUEUE", queue), new Properties()));

        Result purge = execute(commandLine, "purge");

        assertEquals(2, purge.code());
        assertEquals(List.of(id), probe.deadIds());
    }

    @Test
    void purgeWithYesDeletesTheThreeKeys() {
        failedWithException("{\"worker\":\"sync\"}");
        unparsedPayload(NOT_UTF8);

        Result purge = failed("purge", "--yes");

        assertEquals(0, purge.code(), purge.err());
        assertTrue(purge.out().startsWith("Deleted 2 dead letter(s)"), purge.out());
        QueueKeys keys = probe.keys();
        assertEquals(0, probe.redis().exists(keys.dead(), keys.deadRecords(), keys.deadPayloads()));
    }

    @Test
    void redisAndQueueComeFromTheEnvironmentLikeTheHostsSettings() {
        String id = failedWithException("{\"worker\":\"sync\"}");
        var commandLine = new CommandLine(new FailedCommand());
        commandLine.setDefaultValueProvider(new SettingsDefaults(
                Map.of("TASKHOST_REDIS", TestRedis.shared().url(), "TASKHOST_QUEUE", queue), new Properties()));

        Result list = execute(commandLine, "list");

        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().startsWith(id + "  "), list.out());
    }

    @Test
    void anUnreachableRedisExitsWith3AndHidesThePassword() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Result list = execute(new CommandLine(new FailedCommand()), "list",
                "--redis", "redis://taskhost:s3cret@127.0.0.1:" + closedPort);

        assertEquals(3, list.code());
        assertTrue(list.err().contains("redis://taskhost:***@127.0.0.1:" + closedPort), list.err());
        assertFalse(list.err().contains("s3cret"), list.err());
    }

    @Test
    void aRecordThatIsNotJsonExitsWith3NamingItsKeyAndId() {
        String id = failedWithException("{\"worker\":\"sync\"}");
        probe.redis().hset(probe.keys().deadRecords(), id, "not json");

        Result list = failed("list");

        assertEquals(3, list.code());
        assertTrue(list.err().contains("the record of dead letter " + id + " in {" + queue + "}:dead:records is not"
                + " a JSON object"), list.err());
    }

    @Test
    void failedWithoutASubcommandIsAUsageError() {
        Result failed = execute(new CommandLine(new FailedCommand()));

        assertEquals(2, failed.code());
        assertTrue(failed.err().contains("list, show, retry or purge"), failed.err());
    }

    @Test
    void aRedisUrlOfAnotherSchemeIsAUsageError() {
        Result list = execute(new CommandLine(new FailedCommand()), "list", "--redis", "http://127.0.0.1:6379");

        assertEquals(2, list.code());
        assertTrue(list.err().contains("--redis must be a Redis URL, not http://127.0.0.1:6379; a Redis URL is "
                + RedisScheme.FORMS), list.err());
    }

    private record Result(int code, String out, String err) {
    }

    private Result failed(String... args) {
        List<String> withConnection = new ArrayList<>(List.of(args));
        withConnection.addAll(List.of("--redis", TestRedis.shared().url(), "--queue", queue));
        return execute(new CommandLine(new FailedCommand()), withConnection.toArray(String[]::new));
    }

    private static Result execute(CommandLine commandLine, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private List<byte[]> queueBytes() {
        return probe.redis().lrange(queue.getBytes(StandardCharsets.UTF_8), 0, -1);
    }

    private String failedWithException(String payload) {
        String trace = "java.lang.IllegalStateException: mail server said no\n"
                + "\tat io.taskhost.examples.taskpro.MailTasks._task_send_welcome_mail(MailTasks.java:31)\n";
        JsonNode fields = readTree(payload);
        String taskClass = fields.path("class").asText(null);
        String worker = fields.path("worker").asText(null);
        return deadLetter(payload, taskClass, worker, Cause.EXCEPTION,
                "java.lang.IllegalStateException: mail server said no",
                new ErrorInfo("java.lang.IllegalStateException", "mail server said no", trace));
    }

    private String unparsedPayload(byte[] payload) {
        return deadLetter(payload, null, null, Cause.BAD_PAYLOAD, "the payload is not valid JSON", null);
    }

    private String deadLetter(String payload, String taskClass, String worker, Cause cause, String reason,
                              ErrorInfo error) {
        return deadLetter(payload.getBytes(StandardCharsets.UTF_8), taskClass, worker, cause, reason, error);
    }

    /** Fails a task the way the host does: taken into the processing list, then recorded. */
    private String deadLetter(byte[] payload, String taskClass, String worker, Cause cause, String reason,
                              ErrorInfo error) {
        String id = UUID.randomUUID().toString();
        long finishedAt = FIRST_FAILURE.plusSeconds(60L * seeded++).toEpochMilli();
        boolean ran = error != null;
        var record = new OutcomeRecord(id, OutcomeRecord.FAILED, cause, reason, "dead_lettered", null, null, queue,
                HOST, taskClass, worker, ran ? 2 : null, null, ran ? new PluginRef("taskpro-example", "1.2.0", "db84", "taskpro-example.jar") : null,
                ran ? "io.taskhost.examples.taskpro.MailTasks" : null, ran ? "_task_" + worker : null, null, error,
                finishedAt - 759, finishedAt - 26, finishedAt, ran ? 26L : null, 759L, ran ? 7391L : null,
                ran ? 0 : null, ran ? "cold" : null, ran ? "bubblewrap" : null);
        probe.redis().lpush(probe.keys().processing(HOST).getBytes(StandardCharsets.UTF_8), payload);
        assertTrue(outcomes.record(probe.keys().processing(HOST), payload, record, new Disposition.DeadLetter(payload)),
                "the payload was in the processing list");
        return id;
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
