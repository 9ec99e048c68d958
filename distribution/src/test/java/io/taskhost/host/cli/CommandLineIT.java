package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the packaged {@code bin/taskhost}, run as a user runs it: a process of its
 * own whose real stdout, stderr and exit code are read. One Redis and one running host serve
 * the whole class, so the tests run in order; the last one stops the host.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineIT {

    private static final Path DISTRIBUTION = Path.of(System.getProperty("taskhost.test.distribution",
            "target/taskhost"));
    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A log line of the host's own format, to be forged through a task's class. */
    private static final String FORGED_LINE = "2020-01-01T00:00:00.000 ERROR [main] Host task=- plugin=- FORGED";
    private static final String HOSTILE_CLASS = "Fixtures\n" + FORGED_LINE + "\u001b[31m";
    private static final String HOSTILE_WORKER = "noop\u001b]0;pwned\u0007\r";

    @TempDir
    static Path temp;

    private static String queue;
    private static String hostId;
    private static Path plugins;
    private static Path hostLog;
    private static Process host;
    private static QueueProbe probe;

    record Result(int code, String out, String err) {
        String both() {
            return "exit code " + code + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    @BeforeAll
    static void startAHost() throws Exception {
        queue = TestHosts.uniqueQueue();
        hostId = "it-" + queue;
        plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        hostLog = temp.resolve("host.log");
        probe = new QueueProbe(TestRedis.shared(), queue);
        // A schedule whose next run is months away: listed by `taskhost schedules`, enqueuing nothing meanwhile.
        Path config = Files.writeString(temp.resolve("taskhost.properties"), """
                schedule.new-year.cron=0 0 1 1 *
                schedule.new-year.payload={"worker":"noop","class":"Fixtures"}
                """);
        ProcessBuilder run = taskhost("run", "--config", config.toString(), "--redis", TestRedis.shared().url(), "--queue", queue, "--plugins-dir",
                plugins.toString(), "--cache-dir", temp.resolve("cache").toString(), "--host-id", hostId,
                "--workers", "1", "--warm-spares", "0", "--park-unknown-for", "0s", "--shutdown-grace", "30s");
        host = run.redirectErrorStream(true).redirectOutput(hostLog.toFile()).start();
        Eventually.within(Duration.ofSeconds(60), "the host to consume its queue",
                () -> hostLog().contains("consuming " + queue));
    }

    @AfterAll
    static void stopEverything() {
        if (host != null) {
            host.destroyForcibly();
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    @Order(1)
    void enqueuePushesATaskThatTheRunningHostRuns() {
        Result enqueue = command("enqueue", "--class", "Fixtures", "--worker", "noop");

        assertEquals(0, enqueue.code(), enqueue.both());
        assertTrue(enqueue.out().startsWith("queued on " + queue + " ("), enqueue.both());
        assertEquals("passed", probe.awaitOutcome("noop").path("status").asText(), hostLog());
    }

    @Test
    @Order(1)
    void enqueueInADurationDelaysATaskThatTheRunningHostRunsWhenDueAndDelayedListsAndCancels() {
        Result soon = command("enqueue", "--class", "Fixtures", "--worker", "echo", "--params", "{\"delayed\":1}",
                "--in", "1s");
        Result later = command("enqueue", "--class", "Fixtures", "--worker", "echo", "--params", "{\"delayed\":2}",
                "--at", "2099-01-01T00:00[Europe/Paris]");

        assertEquals(0, soon.code(), soon.both());
        assertTrue(soon.out().startsWith("delayed on {" + queue + "}:delayed until "), soon.both());
        assertEquals(0, later.code(), later.both());
        assertEquals(1, probe.awaitOutcome("echo").path("result").path("delayed").asInt(), hostLog());
        Result list = command("delayed", "list");
        assertEquals(0, list.code(), list.both());
        String[] fields = list.out().strip().split("  ", 3);
        assertEquals(List.of("2098-12-31T23:00:00Z", "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"delayed\":2}}"),
                List.of(fields[1], fields[2]), list.both());
        Result cancel = command("delayed", "cancel", fields[0]);
        assertEquals(0, cancel.code(), cancel.both());
        assertEquals(1, command("delayed", "cancel", fields[0]).code(), "already cancelled");
        assertEquals(0, probe.redis().zcard(probe.keys().delayed()));
    }

    @Test
    @Order(2)
    void statusShowsTheQueueAndTheLiveHostInTextAndJson() throws IOException {
        Result text = command("status");
        Result json = command("status", "--json");

        assertEquals(0, text.code(), text.both());
        assertTrue(text.out().startsWith("queue " + queue + ": 0 waiting"), text.both());
        assertTrue(text.out().contains("host " + hostId + ": alive"), text.both());
        assertEquals(0, json.code(), json.both());
        JsonNode status = MAPPER.readTree(json.out());
        assertEquals(queue, status.path("queue").asText(), json.out());
        assertEquals(hostId, status.path("hosts").path(0).path("id").asText(), json.out());
    }

    @Test
    @Order(3)
    void pauseAndResumeSayWhatTheyDid() {
        Result pause = command("pause");
        assertEquals(0, pause.code(), pause.both());
        assertEquals("paused every host of queue " + queue + "\n", pause.out(), pause.both());
        assertTrue(command("status").out().startsWith("queue " + queue + " (paused)"));

        Result resume = command("resume");
        assertEquals(0, resume.code(), resume.both());
        assertEquals("resumed every host of queue " + queue + "\n", resume.out(), resume.both());
        assertTrue(command("status").out().startsWith("queue " + queue + ":"));
    }

    @Test
    @Order(4)
    void pluginsListsTheJarsOfTheRunningHostAndOfADirectory() {
        Result published = command("plugins");
        Result inspected = command("plugins", "--dir", plugins.toString());

        assertEquals(0, published.code(), published.both());
        assertTrue(published.out().startsWith("host " + hostId + ", plugins-dir " + plugins), published.both());
        assertTrue(published.out().contains("active     fixtures.jar  fixtures "), published.both());
        assertEquals(0, inspected.code(), inspected.both());
        assertTrue(inspected.out().contains("active     fixtures.jar  fixtures "), inspected.both());
    }

    @Test
    @Order(4)
    void schedulesListsTheRecurringTasksOfTheRunningHost() {
        Result listed = Eventually.value(Duration.ofSeconds(60), "the host to announce its schedule", () -> {
            Result schedules = command("schedules");
            return schedules.out().contains("new-year") ? schedules : null;
        });

        assertEquals(0, listed.code(), listed.both());
        String nextYear = Integer.toString(java.time.Year.now(java.time.ZoneOffset.UTC).getValue() + 1);
        assertEquals("new-year  from config file  cron 0 0 1 1 * UTC onto " + queue + ", catch-up once\n"
                + "    last never  next " + nextYear + "-01-01T00:00:00Z\n", listed.out(), listed.both());
    }

    @Test
    @Order(5)
    void aHostileTaskForgesNoLogLineAndPutsNoRawControlCharacterInTheLog() throws IOException {
        probe.push(MAPPER.writeValueAsString(Map.of("class", HOSTILE_CLASS, "worker", HOSTILE_WORKER)));
        probe.push(MAPPER.writeValueAsString(Map.of("class", "Fixtures", "worker", "print",
                "params", Map.of("text", "\u001b[2J\rFORGED-OUTPUT"))));
        assertEquals("dead_lettered", probe.awaitOutcome(HOSTILE_WORKER).path("disposition").asText());
        assertEquals("passed", probe.awaitOutcome("print").path("status").asText());
        Eventually.within(Duration.ofSeconds(30), "the print task's output in the log",
                () -> hostLog().contains("FORGED-OUTPUT"));

        String log = hostLog();
        assertTrue(log.lines().noneMatch(line -> line.startsWith("2020-01-01")), "a forged line:\n" + log);
        assertNoControlCharactersButNewlines(log);
        assertTrue(log.contains("Fixtures\\n" + FORGED_LINE + "\\u001b[31m"), log);
        assertTrue(log.contains("to stdout: \\u001b[2J"), log);
    }

    @Test
    @Order(6)
    void failedShowPrintsTheHostileDeadLetterAsTextWithItsControlCharactersEscapedAndAsJson() throws IOException {
        String id = onlyDeadLetter();

        Result show = command("failed", "show", id);
        Result json = command("failed", "show", id, "--json");

        assertEquals(0, show.code(), show.both());
        assertTrue(show.out().startsWith("id        " + id + "\nstatus    failed\ncause     unknown_class\n"),
                show.both());
        assertTrue(show.out().contains("task      Fixtures\\n" + FORGED_LINE), show.both());
        assertTrue(show.out().lines().noneMatch(line -> line.startsWith("2020-01-01")), show.both());
        assertNoControlCharactersButNewlines(show.out());

        assertEquals(0, json.code(), json.both());
        JsonNode shown = MAPPER.readTree(json.out());
        assertEquals(id, shown.path("record").path("id").asText(), json.out());
        assertEquals(HOSTILE_CLASS, shown.path("record").path("class").asText(), json.out());
        assertEquals(HOSTILE_WORKER, MAPPER.readTree(shown.path("payload").asText()).path("worker").asText());
        assertNoControlCharactersButNewlines(json.out());
    }

    @Test
    @Order(6)
    void failedListPrintsTheHostileDeadLetterOnOneLineWithItsControlCharactersEscaped() {
        String id = onlyDeadLetter();

        Result list = command("failed", "list");

        assertEquals(0, list.code(), list.both());
        assertEquals(1, list.out().lines().count(), list.both());
        assertTrue(list.out().startsWith(id + "  "), list.both());
        assertTrue(list.out().contains("Fixtures\\n" + FORGED_LINE + "\\u001b[31m.noop\\u001b]0;pwned\\u0007\\r"),
                list.both());
        assertNoControlCharactersButNewlines(list.out());
    }

    @Test
    @Order(7)
    void failedRetryPushesTheTaskBackAndPurgeDeletesEveryDeadLetter() {
        String id = onlyDeadLetter();

        Result retry = command("failed", "retry", id);
        assertEquals(0, retry.code(), retry.both());
        assertTrue(retry.out().startsWith("Pushed the original payload of " + id + " ("), retry.both());
        String again = Eventually.value(Duration.ofSeconds(60), "the retried task to be dead-lettered again",
                () -> probe.deadIds().size() == 1 && !probe.deadIds().get(0).equals(id) ? probe.deadIds().get(0)
                        : null);
        assertNotEquals(id, again);

        Result purge = command("failed", "purge", "--yes");
        assertEquals(0, purge.code(), purge.both());
        assertTrue(purge.out().startsWith("Deleted 1 dead letter(s): "), purge.both());
        Result list = command("failed", "list");
        assertEquals(0, list.code(), list.both());
        assertEquals("", list.out(), list.both());
        assertTrue(list.err().contains("No dead letters in {" + queue + "}:dead"), list.both());
    }

    @Test
    @Order(8)
    void benchMeasuresItsSmallestRealRun() {
        Result bench = command("bench", "--modes", "strict", "--tasks", "2", "--latency-samples", "1",
                "--latency-interval-ms", "50", "--floor-starts", "1", "--true-starts", "1", "--host-warm-up-tasks", "1",
                "--sandbox", "auto", "--idle-seconds", "1", "--workers", "1",
                "--plugin-jar", plugins.resolve("fixtures.jar").toString());

        assertEquals(0, bench.code(), bench.both());
        assertTrue(bench.out().contains("| mode | worker sandbox | tasks/s |"), bench.both());
        assertTrue(bench.out().contains("| strict, no spares, no class-data sharing | auto: "), bench.both());
    }

    @Test
    @Order(9)
    void runRefusesAnUnparseableRedisUrlWithoutPrintingItsPassword() {
        String password = "pa ss/w@rd";
        Result run = command("run", "--redis", "redis://taskhost:" + password + "@127.0.0.1:1", "--queue", queue,
                "--plugins-dir", plugins.toString(), "--cache-dir", temp.resolve("cache-refused").toString());

        assertEquals(2, run.code(), run.both());
        assertTrue(run.both().contains("effective configuration: HostSettings[redisUrl=redis://taskhost:***@127.0.0.1:1"),
                run.both());
        assertTrue(run.err().contains("redis://taskhost:***@127.0.0.1:1"), run.both());
        for (String part : List.of(password, "pa ss", "w@rd")) {
            assertFalse(run.both().contains(part), part + " printed:\n" + run.both());
        }
    }

    @Test
    @Order(9)
    void aHostWhoseRedisRefusesItsPasswordLogsNeitherThePasswordNorItsDecodedForm() throws Exception {
        String written = "p%40ss%2Fw0rd";
        String decoded = "p@ss/w0rd";
        Path log = temp.resolve("refused.log");
        Process refused = taskhost("run", "--redis", TestRedis.shared().url().replace("redis://",
                        "redis://taskhost:" + written + "@"), "--queue", TestHosts.uniqueQueue(), "--plugins-dir",
                plugins.toString(), "--cache-dir", temp.resolve("cache-refused").toString(), "--host-id", "refused")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Eventually.within(Duration.ofSeconds(60), "the host to start despite Redis refusing it",
                    () -> read(log).contains(" consuming "));
        } finally {
            refused.destroy();
            if (!refused.waitFor(60, TimeUnit.SECONDS)) {
                refused.destroyForcibly();
            }
        }

        String text = read(log);
        assertTrue(text.contains(" on redis://taskhost:***@127.0.0.1:"), "the host's start-up line: " + text);
        assertTrue(text.contains("effective configuration: HostSettings[redisUrl=redis://taskhost:***@127.0.0.1:"), text);
        assertFalse(text.contains(written), text);
        assertFalse(text.contains(decoded), text);
    }

    @Test
    @Order(9)
    void helpShowsNoPasswordOfTheEnvironmentsRedisUrl() throws Exception {
        ProcessBuilder help = taskhost("status", "--help");
        help.environment().put("TASKHOST_REDIS", "redis://taskhost:s3cret%2Fpart@127.0.0.1:1");
        Result result = run(help);

        assertEquals(0, result.code(), result.both());
        assertTrue(result.out().contains("Usage: taskhost status"), result.both());
        assertFalse(result.both().contains("s3cret"), result.both());
    }

    @Test
    @Order(10)
    void runStopsOnSigtermWithExitCodeZero() throws Exception {
        host.destroy();

        assertTrue(host.waitFor(90, TimeUnit.SECONDS), "the host stops within its grace period");
        assertEquals(0, host.exitValue(), hostLog());
        assertTrue(hostLog().contains("taskhost stopped"), hostLog());
    }

    private static String onlyDeadLetter() {
        List<String> ids = probe.deadIds();
        assertEquals(1, ids.size(), ids.toString());
        return ids.get(0);
    }

    /** Only the line breaks of the layout; tab is a printable character in a terminal too. */
    private static void assertNoControlCharactersButNewlines(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.getType(c) == Character.CONTROL && c != '\n' && c != '\t') {
                int from = Math.max(0, i - 60);
                throw new AssertionError(String.format("raw U+%04X at %d, after: %s", (int) c, i,
                        text.substring(from, i)));
            }
        }
    }

    private static Result command(String... args) {
        try {
            return run(taskhost(withConnection(args)));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("could not run taskhost " + String.join(" ", args), e);
        }
    }

    /** The Redis and queue of this class, except for commands that take none or name their own. */
    private static String[] withConnection(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("bench") && !args[0].equals("run") && !List.of(args).contains("--dir")) {
            all.addAll(List.of("--redis", TestRedis.shared().url(), "--queue", queue));
        }
        return all.toArray(String[]::new);
    }

    private static Result run(ProcessBuilder command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(temp, "out-", ".txt");
        Path err = Files.createTempFile(temp, "err-", ".txt");
        Process process = command.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.command() + " still runs after " + COMMAND_DEADLINE);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** bin/taskhost with none of the TASKHOST_* settings of whoever runs the build. */
    private static ProcessBuilder taskhost(String... args) {
        List<String> command = new ArrayList<>(List.of(DISTRIBUTION.resolve("bin/taskhost").toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("TASKHOST_"));
        return builder;
    }

    private static String hostLog() {
        return read(hostLog);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
