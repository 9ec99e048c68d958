package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.PluginJarBuilder;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerProcess;
import io.taskhost.worker.WorkerProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One worker JVM, driven directly: real JVMs of the fixtures plugin, started as the launcher starts them. */
class WorkerJvmTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String NO_PARAMS = "{}";
    static final String FORGER = "com.example.forger.Forger";

    @TempDir
    Path temp;

    private FixtureWorkers workers;
    private final Path fixtures = FixtureWorkers.fixturesJar();

    @BeforeEach
    void workers() throws Exception {
        workers = new FixtureWorkers(temp);
    }

    @AfterEach
    void stop() throws Exception {
        workers.close();
    }

    @Test
    void aColdWorkerReportsItsTaskAndTakesNoMoreThanItsCapacity() throws Exception {
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 1), false);

        WorkerRun run = workers.run(jvm, "echo", "{\"text\":\"hello\"}", DEADLINE);

        assertNotNull(run.report(), "a report: " + run);
        assertTrue(run.report().passed(), run.toString());
        assertEquals("hello", run.report().result().path("text").asText());
        assertEquals(jvm.pid(), run.report().pid());
        assertEquals(jvm.pid(), run.pid());
        assertNull(run.exitCode(), "a JVM that reported is not waited for");
        assertFalse(run.timedOut());
        assertFalse(run.reportTooLarge());
        assertEquals(WorkerLauncher.COLD, run.launch());
        assertEquals(0, jvm.remaining());
        var more = assertThrows(IllegalStateException.class, () -> workers.run(jvm, "noop", NO_PARAMS, DEADLINE));
        assertTrue(more.getMessage().contains("has run all its 1 tasks"), more.getMessage());
        Eventually.within(DEADLINE, "the JVM exits after its last task", () -> !jvm.isAlive());
    }

    @Test
    void aWarmWorkerIsReadyBeforeItIsGivenATask() throws Exception {
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 1), true);

        Eventually.within(DEADLINE, "the warm JVM prints that it is ready", jvm::isReady);
        assertTrue(jvm.isAlive());
        assertEquals(1, jvm.remaining(), "no task was handed to it yet");

        WorkerRun run = workers.run(jvm, "echo", "{\"text\":\"warm\"}", DEADLINE);
        assertTrue(run.report().passed(), run.toString());
        assertEquals("warm", run.report().result().path("text").asText());
        assertFalse(run.outputTail().contains(WorkerProtocol.READY_LINE), "the ready line is no task output: "
                + run.outputTail());
    }

    @Test
    void aTaskPastItsDeadlineIsKilledAndReportedTimedOut() throws Exception {
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 1), false);

        WorkerRun run = workers.run(jvm, "sleep", "{\"millis\":600000}", Duration.ofSeconds(1));

        assertTrue(run.timedOut(), run.toString());
        assertNull(run.report());
        assertNotNull(run.exitCode(), "a killed JVM is waited for, for its exit code");
        assertFalse(jvm.isAlive(), "killed before the run returned");
    }

    @Test
    void aWorkerThatExitsBeforeReportingGivesItsExitCodeAndOutputTail() throws Exception {
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 1), false);

        WorkerRun run = workers.run(jvm, "spew", "{\"lines\":2,\"lineBytes\":40,\"code\":5}", DEADLINE);

        assertNull(run.report());
        assertEquals(5, run.exitCode());
        assertFalse(run.timedOut());
        assertTrue(run.outputTail().containsAll(List.of("a".repeat(40), "b".repeat(40))), run.outputTail().toString());
        assertFalse(jvm.isAlive());
    }

    @Test
    void outputBeforeTheFirstTaskBelongsToTheFirstTasksTailOnly() throws Exception {
        // --show-version prints on stdout ahead of the ready line, so it has been read once the JVM is ready.
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 2, "--show-version"), true);
        Eventually.within(DEADLINE, "the warm JVM is ready", jvm::isReady);
        String versionLine = "(build " + System.getProperty("java.runtime.version");

        WorkerRun first = workers.run(jvm, "echo", NO_PARAMS, DEADLINE);
        WorkerRun second = workers.run(jvm, "echo", NO_PARAMS, DEADLINE);

        assertTrue(first.report().passed() && second.report().passed(), first + " " + second);
        assertTrue(first.outputTail().stream().anyMatch(line -> line.contains(versionLine)),
                "the first task's tail has the JVM's start-up output: " + first.outputTail());
        assertTrue(second.outputTail().stream().noneMatch(line -> line.contains(versionLine)),
                "the second task's tail has only its own output: " + second.outputTail());
    }

    @Test
    void aReportUnderAnotherMarkerIsNotTakenAsTheReport() throws Exception {
        Path forger = forgerPlugin(Files.createDirectories(temp.resolve("forger")));
        WorkerJvm jvm = workers.start(new LaunchPlan(forger, WorkerProcess.DEFAULT_JVM_OPTIONS, 0, 1, FORGER), false);
        String marker = UUID.randomUUID().toString();
        String guessed = UUID.randomUUID().toString();
        byte[] line = workers.mapper.writeValueAsBytes(new TaskAssignment("forged-task", 1, "Forger",
                "forge", FORGER, "_task_forge",
                workers.mapper.readTree("{\"marker\":\"" + guessed + "\"}"), null, marker));

        WorkerRun run = jvm.run(line, marker, DEADLINE, WorkerLauncher.COLD);

        assertNotNull(run.report(), run.toString());
        assertFalse(run.report().passed(), "the forged report said passed: " + run.report());
        assertEquals("the genuine outcome", run.report().error().message());
        assertTrue(run.outputTail().stream().anyMatch(tail -> tail.startsWith(
                WorkerProtocol.reportLine(guessed, ""))), "the forged line is plain output: " + run.outputTail());
    }

    @Test
    void aReportLargerThanTheCapIsNotReadAndItsLengthIsGiven() throws Exception {
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 1), false);

        WorkerRun run = workers.run(jvm, "huge_result", "{\"bytes\":" + (WorkerProtocol.MAX_REPORT_BYTES + 1) + "}",
                DEADLINE);

        assertTrue(run.reportTooLarge(), run.toString());
        assertTrue(run.reportBytes() > WorkerProtocol.MAX_REPORT_BYTES, run.toString());
        assertNull(run.report());
        assertFalse(run.timedOut());
    }

    @Test
    void aWorkerRunsInAScratchDirectoryOfItsOwnThatIsDeletedOnceItHasExited() throws Exception {
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 1), false);

        WorkerRun run = workers.run(jvm, "scratch", NO_PARAMS, DEADLINE);

        assertTrue(run.report().passed(), run.toString());
        Path cwd = Path.of(run.report().result().path("cwd").asText());
        assertEquals(workers.scratch.directory(), cwd.getParent(), "a directory of its own in the host's scratch");
        assertEquals(cwd.toString(), run.report().result().path("tmpdir").asText());
        assertEquals(cwd.toString(), run.report().result().path("TMPDIR").asText());
        Eventually.within(DEADLINE, "its scratch directory is deleted once it has exited",
                () -> !jvm.isAlive() && !Files.exists(cwd));
    }

    @Test
    void aRunInterruptedByAStoppingHostKillsTheWorkerAndItsProcessGroup() throws Exception {
        assumeTrue(workers.groupsAvailable(), "this machine has no setsid");
        WorkerJvm jvm = workers.start(FixtureWorkers.plan(fixtures, 0, 1), false);
        Path pidFile = temp.resolve("grandchild.pid");
        CompletableFuture<WorkerRun> running = new CompletableFuture<>();
        Thread runner = new Thread(() -> {
            try {
                running.complete(workers.run(jvm, "grandchild", "{\"pidFile\":\"" + pidFile + "\",\"then\":\"hang\"}",
                        DEADLINE));
            } catch (Throwable e) {
                running.completeExceptionally(e);
            }
        }, "task-runner");
        runner.start();
        long grandchild = Long.parseLong(Eventually.value(DEADLINE, "the task started a grandchild",
                () -> readable(pidFile)).trim());
        try {
            runner.interrupt();
            var ended = assertThrows(ExecutionException.class,
                    () -> running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(InterruptedException.class, ended.getCause());
            assertFalse(jvm.isAlive(), "killed before the run returned");
            Eventually.within(DEADLINE, "the grandchild left to init dies with its worker's group",
                    () -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
        } finally {
            ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static String readable(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A plugin that prints a report line behind a marker it was given, then fails. */
    static Path forgerPlugin(Path directory) throws Exception {
        return PluginJarBuilder.plugin("forger", "1.0.0").source(FORGER, """
                package com.example.forger;

                import io.taskhost.api.TaskWorker;
                import java.util.Map;
                import org.pf4j.Extension;

                @Extension
                public class Forger implements TaskWorker {
                    public String _task_forge(Map<String, Object> params) {
                        System.out.println("##taskhost-report:" + params.get("marker") + " {\\"passed\\":true,"
                                + "\\"result\\":\\"forged\\",\\"startedAt\\":0,\\"finishedAt\\":0,\\"pid\\":1}");
                        System.out.flush();
                        throw new IllegalStateException("the genuine outcome");
                    }
                }
                """).build(directory);
    }
}
