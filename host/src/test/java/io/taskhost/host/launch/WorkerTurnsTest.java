package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.host.testing.Eventually;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerProcess;
import io.taskhost.worker.WorkerProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link WorkerLauncher#runInTurn}: several tasks of one plugin written ahead to one reused JVM, each with its own
 * marker, deadline, output and log context. Real worker JVMs of the fixtures plugin.
 */
class WorkerTurnsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Path fixtures = FixtureWorkers.fixturesJar();
    private final List<String> handed = Collections.synchronizedList(new ArrayList<>());
    private WorkerLauncher launcher;

    @BeforeEach
    void launcher() throws IOException {
        launcher = new WorkerLauncher(new LaunchSettings(JAVA, temp.resolve("scratch"), Duration.ofMinutes(5)),
                WorkerClasspath.ofHost(), ClassDataSharing.off(), mapper, CachedJarCheck.NONE);
    }

    @AfterEach
    void close() {
        launcher.close();
    }

    @Test
    void turnsOfAReuseModePluginRunInOneJvmInOrder() throws Exception {
        List<WorkerLauncher.Turn> turns = Stream.of(0, 1, 2, 3)
                .map(seq -> turn("echo", "{\"seq\":" + seq + "}", DEADLINE)).toList();

        List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 5));

        assertEquals(4, runs.size(), runs.toString());
        for (int seq = 0; seq < 4; seq++) {
            assertTrue(runs.get(seq).report().passed(), runs.get(seq).toString());
            assertEquals(seq, runs.get(seq).report().result().path("seq").asInt(), "in order: " + runs);
        }
        long pid = runs.get(0).pid();
        assertTrue(runs.stream().allMatch(run -> run.pid() == pid && run.report().pid() == pid), runs.toString());
        assertEquals(List.of(WorkerLauncher.COLD, WorkerLauncher.REUSED, WorkerLauncher.REUSED, WorkerLauncher.REUSED),
                runs.stream().map(WorkerRun::launch).toList());
        assertEquals(List.of(pid + " cold", pid + " reused", pid + " reused", pid + " reused"), handed);
        for (int i = 1; i < runs.size(); i++) {
            assertTrue(runs.get(i).assignedAt() >= runs.get(i - 1).report().finishedAt(),
                    "a turn is assigned when it starts, after the one before it finished: " + runs);
        }
        assertEquals(1, launcher.idleWorkers(), "the JVM with a task left waits for the next turn");
    }

    @Test
    void turnsBeyondAJvmsCapacityGoToTheNextJvm() throws Exception {
        List<WorkerLauncher.Turn> turns = Stream.generate(() -> turn("whoami", "{}", DEADLINE)).limit(5).toList();

        List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 3));

        assertEquals(5, runs.size(), runs.toString());
        assertTrue(runs.stream().allMatch(run -> run.report() != null && run.report().passed()), runs.toString());
        List<Long> pids = runs.stream().map(run -> run.report().result().asLong()).toList();
        assertEquals(1, pids.subList(0, 3).stream().distinct().count(), "the first three share a JVM: " + pids);
        assertEquals(1, pids.subList(3, 5).stream().distinct().count(), "the last two share a JVM: " + pids);
        assertNotEquals(pids.get(0), pids.get(3), pids.toString());
        assertEquals(List.of(WorkerLauncher.COLD, WorkerLauncher.REUSED, WorkerLauncher.REUSED, WorkerLauncher.COLD,
                WorkerLauncher.REUSED), runs.stream().map(WorkerRun::launch).toList());
        Eventually.within(DEADLINE, "the JVM that ran its three tasks exits",
                () -> ProcessHandle.of(pids.get(0)).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void strictIsolationTurnsEachRunInAJvmOfTheirOwn() throws Exception {
        List<WorkerLauncher.Turn> turns = Stream.generate(() -> turn("whoami", "{}", DEADLINE)).limit(3).toList();

        List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 1));

        assertEquals(3, runs.size(), runs.toString());
        assertEquals(3, runs.stream().map(run -> run.report().result().asLong()).distinct().count(), runs.toString());
        assertTrue(runs.stream().allMatch(run -> run.launch().equals(WorkerLauncher.COLD)), runs.toString());
    }

    @Test
    void aTurnThatCrashesItsJvmEndsTheRunAndLeavesTheRestUnrun() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        List<WorkerLauncher.Turn> turns = List.of(mark(marks, 0), mark(marks, 1),
                turn("exit", "{\"code\":7}", DEADLINE), mark(marks, 3), mark(marks, 4));
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 0, 10);

        List<WorkerRun> runs = launcher.runInTurn(turns, plan);

        assertEquals(3, runs.size(), "the run ends with the crashed turn: " + runs);
        assertTrue(runs.get(0).report().passed() && runs.get(1).report().passed(), runs.toString());
        WorkerRun crashed = runs.get(2);
        assertNull(crashed.report(), crashed.toString());
        assertEquals(7, crashed.exitCode());
        assertFalse(crashed.timedOut());
        assertEquals(runs.get(0).pid(), crashed.pid());
        assertEquals(List.of("0." + crashed.pid(), "1." + crashed.pid()), marksIn(marks),
                "the turns after the crash never started");
        assertEquals(0, launcher.idleWorkers());

        List<WorkerRun> rest = launcher.runInTurn(turns.subList(3, 5), plan);

        assertEquals(2, rest.size(), rest.toString());
        assertTrue(rest.stream().allMatch(run -> run.report().passed()), rest.toString());
        long second = rest.get(0).pid();
        assertNotEquals(crashed.pid(), second);
        assertEquals(List.of(WorkerLauncher.COLD, WorkerLauncher.REUSED), rest.stream().map(WorkerRun::launch).toList());
        assertEquals(List.of("0." + crashed.pid(), "1." + crashed.pid(), "3." + second, "4." + second),
                marksIn(marks), "each turn ran once");
    }

    @Test
    void aReportTooLargeEndsTheRunAndItsJvmSoThatTheRestRunOnceInAnother() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        // The turn after it waits before it leaves its mark, time enough for the JVM to be stopped.
        WorkerLauncher.Turn after = turn("mark", "{\"dir\":\"" + marks + "\",\"seq\":2,\"millis\":2000}",
                DEADLINE);
        List<WorkerLauncher.Turn> turns = List.of(mark(marks, 0),
                turn("huge_result", "{\"bytes\":" + (WorkerProtocol.MAX_REPORT_BYTES + 1) + "}", DEADLINE), after);
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 0, 10);

        List<WorkerRun> runs = launcher.runInTurn(turns, plan);

        assertEquals(2, runs.size(), runs.toString());
        assertTrue(runs.get(0).report().passed(), runs.toString());
        assertTrue(runs.get(1).reportTooLarge(), runs.get(1).toString());
        long first = runs.get(0).pid();
        Eventually.within(DEADLINE, "the JVM that sent the report too large is gone",
                () -> ProcessHandle.of(first).map(p -> !p.isAlive()).orElse(true));
        assertEquals(0, launcher.idleWorkers());

        List<WorkerRun> rest = launcher.runInTurn(List.of(after), plan);

        assertTrue(rest.get(0).report().passed(), rest.toString());
        assertEquals(List.of("0." + first, "2." + rest.get(0).pid()), marksIn(marks), "each turn left one mark");
    }

    @Test
    void aPipelinedTurnsTimeoutCountsFromItsOwnStart() throws Exception {
        // Three sleeps of 600 ms with 1.5 s each: together past any one's limit, each well within its own.
        Duration limit = Duration.ofMillis(1500);
        List<WorkerLauncher.Turn> turns = List.of(turn("whoami", "{}", DEADLINE),
                turn("sleep", "{\"millis\":600}", limit), turn("sleep", "{\"millis\":600}", limit),
                turn("sleep", "{\"millis\":600}", limit));

        List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 10));

        assertEquals(4, runs.size(), runs.toString());
        assertTrue(runs.stream().allMatch(run -> run.report() != null && run.report().passed() && !run.timedOut()),
                runs.toString());
    }

    @Test
    @Timeout(60)
    void aTurnPastItsOwnTimeoutIsKilledAndEndsTheRun() throws Exception {
        // The turn before it may run for ten minutes: the sleeper is killed by its own deadline, not that one.
        List<WorkerLauncher.Turn> turns = List.of(turn("whoami", "{}", Duration.ofMinutes(10)),
                turn("sleep", "{\"millis\":600000}", Duration.ofSeconds(1)), turn("whoami", "{}", DEADLINE));

        List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 10));

        assertEquals(2, runs.size(), "the run ends with the timed-out turn: " + runs);
        assertTrue(runs.get(0).report().passed(), runs.toString());
        WorkerRun slept = runs.get(1);
        assertTrue(slept.timedOut(), slept.toString());
        assertNull(slept.report());
        assertNotNull(slept.exitCode(), "a killed JVM is waited for, for its exit code");
        assertFalse(ProcessHandle.of(slept.pid()).map(ProcessHandle::isAlive).orElse(false), "killed");
        assertEquals(0, launcher.idleWorkers());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a write that blocks ignores interrupts
    void aHungTurnIsKilledAtItsDeadlineThoughTheLinesBehindItWouldFillThePipe() throws Exception {
        // Two lines of 100 KiB behind a task that never ends: written ahead, they would block the slot in its write.
        String big = "{\"text\":\"" + "x".repeat(100 * 1024) + "\"}";
        List<WorkerLauncher.Turn> turns = List.of(turn("sleep", "{\"millis\":600000}", Duration.ofSeconds(1)),
                turn("echo", big, DEADLINE), turn("echo", big, DEADLINE));

        List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 10));

        assertEquals(1, runs.size(), runs.toString());
        assertTrue(runs.get(0).timedOut(), runs.get(0).toString());
    }

    @Test
    void turnsWhoseLinesExceedTheWriteAheadGoToTheSameJvmInSeveralBatches() throws Exception {
        String big = "{\"text\":\"" + "x".repeat(WorkerLauncher.WRITE_AHEAD_BYTES) + "\"}";
        List<WorkerLauncher.Turn> turns = Stream.generate(() -> turn("echo", big, DEADLINE)).limit(4).toList();

        List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 10));

        assertEquals(4, runs.size(), runs.toString());
        assertTrue(runs.stream().allMatch(run -> run.report().passed() && run.pid() == runs.get(0).pid()),
                runs.toString());
        assertEquals(List.of(WorkerLauncher.COLD, WorkerLauncher.REUSED, WorkerLauncher.REUSED, WorkerLauncher.REUSED),
                runs.stream().map(WorkerRun::launch).toList());
    }

    @Test
    void eachTurnsOutputIsLoggedWithItsOwnContextAndTail() throws Exception {
        Logger stdout = (Logger) LoggerFactory.getLogger("taskhost.worker.stdout");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        stdout.addAppender(logged);
        try {
            List<String> ids = List.of("task-a", "task-b", "task-c");
            List<WorkerLauncher.Turn> turns = ids.stream().map(id -> new WorkerLauncher.Turn(
                    assignment(id, "print", "{\"text\":\"" + id + "\"}"), DEADLINE, this::handed,
                    Map.of("taskId", id, "plugin", "fixtures"))).toList();

            List<WorkerRun> runs = launcher.runInTurn(turns, FixtureWorkers.plan(fixtures, 0, 5));

            assertEquals(3, runs.size(), runs.toString());
            for (int i = 0; i < ids.size(); i++) {
                String own = "to stdout: " + ids.get(i);
                List<String> tail = runs.get(i).outputTail();
                assertTrue(tail.contains(own), "its own line: " + tail);
                assertTrue(ids.stream().filter(id -> !tail.contains("to stdout: " + id)).count() == 2,
                        "no other turn's stdout line: " + tail);
            }
            List<ILoggingEvent> printed = List.copyOf(logged.list).stream()
                    .filter(event -> event.getFormattedMessage().startsWith("to stdout: ")).toList();
            assertEquals(3, printed.size(), printed.toString());
            for (ILoggingEvent event : printed) {
                assertEquals("to stdout: " + event.getMDCPropertyMap().get("taskId"), event.getFormattedMessage(),
                        "logged with its own turn's context: " + event.getMDCPropertyMap());
                assertEquals("fixtures", event.getMDCPropertyMap().get("plugin"));
            }
        } finally {
            stdout.detachAppender(logged);
        }
    }

    @Test
    void aLaterTurnsMarkerPrintedByAnEarlierTurnIsNotTakenAsItsReport() throws Exception {
        Path forger = WorkerJvmTest.forgerPlugin(Files.createDirectories(temp.resolve("forger")));
        try (var workers = new FixtureWorkers(temp.resolve("forging"))) {
            WorkerJvm jvm = workers.start(new LaunchPlan(forger, WorkerProcess.DEFAULT_JVM_OPTIONS, 0, 2,
                    WorkerJvmTest.FORGER), false);
            String first = UUID.randomUUID().toString();
            String second = UUID.randomUUID().toString();
            // The first task prints a passing report behind the second's marker, then fails.
            List<WorkerJvm.Assignment> batch = List.of(forging(workers, first, second), forging(workers, second,
                    UUID.randomUUID().toString()));

            List<WorkerRun> runs = jvm.run(batch);

            assertEquals(2, runs.size(), runs.toString());
            for (WorkerRun run : runs) {
                assertNotNull(run.report(), run.toString());
                assertFalse(run.report().passed(), "a forged report said passed: " + run.report());
                assertEquals("the genuine outcome", run.report().error().message());
            }
            assertTrue(runs.get(0).outputTail().stream().anyMatch(line -> line.startsWith(
                    WorkerProtocol.reportLine(second, ""))), "the forged line is plain output: " + runs.get(0));
        }
    }

    private WorkerJvm.Assignment forging(FixtureWorkers workers, String marker, String forged) throws Exception {
        byte[] line = workers.mapper.writeValueAsBytes(new TaskAssignment("forging-" + marker, 1, "Forger", "forge",
                WorkerJvmTest.FORGER, "_task_forge", workers.mapper.readTree("{\"marker\":\"" + forged + "\"}"), null,
                marker));
        return new WorkerJvm.Assignment(line, marker, DEADLINE, WorkerLauncher.COLD, null);
    }

    private WorkerLauncher.Turn turn(String worker, String paramsJson, Duration timeout) {
        String id = "task-" + UUID.randomUUID();
        return new WorkerLauncher.Turn(assignment(id, worker, paramsJson), timeout, this::handed,
                Map.of("taskId", id));
    }

    private WorkerLauncher.Turn mark(Path dir, int seq) {
        return turn("mark", "{\"dir\":\"" + dir + "\",\"seq\":" + seq + "}", DEADLINE);
    }

    private void handed(long pid, String launch) {
        handed.add(pid + " " + launch);
    }

    private TaskAssignment assignment(String id, String worker, String paramsJson) {
        try {
            return new TaskAssignment(id, 1, "Fixtures", worker, FixtureWorkers.FIXTURES, "_task_" + worker,
                    mapper.readTree(paramsJson), null, null);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(paramsJson, e);
        }
    }

    private static List<String> marksIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
