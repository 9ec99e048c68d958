package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.sandbox.SandboxProbe;
import io.taskhost.host.testing.CliProcess;
import io.taskhost.host.testing.TestHosts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench measures the launch modes with the sandbox an operator gets by default and without one,
 * and the sandbox's own cost per start. One tiny run serves every test; no test reads its figures.
 */
class SandboxBenchTest {

    private static final Duration DEADLINE = Duration.ofMinutes(5);

    @TempDir
    static Path temp;

    private static String output;
    private static List<String> rows;

    @BeforeAll
    static void runATinyBenchWithAndWithoutTheSandbox() throws Exception {
        Path fixtures = TestHosts.builtPluginsDir().resolve("fixtures.jar").toAbsolutePath();
        try (CliProcess bench = CliProcess.start(temp, "bench", "--plugin-jar", fixtures.toString(), "--modes", "strict",
                "--sandbox", "both", "--workers", "1", "--tasks", "2", "--latency-samples", "1",
                "--latency-interval-ms", "1", "--floor-starts", "2", "--true-starts", "2", "--host-warm-up-tasks", "1",
                "--idle-seconds", "1", "--redis-floor-tasks", "200")) {
            assertEquals(0, bench.awaitExit(DEADLINE), bench.output());
            output = bench.output();
            rows = bench.stdout().lines().filter(line -> line.startsWith("| ")).toList();
        }
    }

    @Test
    void aModeIsMeasuredWithTheDefaultSandboxAndWithoutOneAndItsRowsSayWhichTheWorkersRanIn() {
        assertTrue(rows.stream().anyMatch(row -> row.startsWith("| strict, ") && row.contains("| off: none |")),
                output);
        String expected = bubblewrapUsable() ? "| auto: bubblewrap |" : "| auto: none |";
        assertTrue(rows.stream().anyMatch(row -> row.startsWith("| strict, ") && row.contains(expected)), output);
    }

    @Test
    void theModesTasksPerSecondWithAndWithoutTheSandboxAreSetSideBySide() {
        assertTrue(rows.stream().anyMatch(row -> row.startsWith("| mode | with the sandbox")), output);
    }

    @Test
    void theSandboxsCostPerStartIsMeasuredAgainstBareStartsOfTheSameProgramsInTheSameRun() {
        assumeTrue(bubblewrapUsable(), "no usable bubblewrap on this machine");
        for (String start : List.of("| floor: `true`, bare |", "| `true` in bubblewrap |",
                "| `true` in bubblewrap, network none |", "| floor: worker JVM, bare |", "| worker JVM in bubblewrap |",
                "| worker JVM in bubblewrap, network none |")) {
            assertTrue(rows.stream().anyMatch(row -> row.startsWith(start)), start + " in\n" + output);
        }
    }

    @Test
    void theTasksOperationAloneIsTimedBesideTheFloorAndEachOneTaskModeIsSetAgainstIt() {
        for (String measure : List.of("| ceiling: the task's operation alone in a fresh JVM (its params parsed, no"
                + " taskhost), the floor's options and class path, an archive of its own, starts/s, 1 in parallel |",
                "| the ceiling's share of the floor (%): ")) {
            assertTrue(rows.stream().anyMatch(row -> row.startsWith(measure)), measure + " in\n" + output);
        }
        for (String mode : List.of("sandbox auto", "sandbox off")) {
            for (String measure : List.of(": share of the ceiling timed beside its burst (%) |",
                    ": the ceiling timed beside its burst, share of the floor timed with it (%) |")) {
                assertTrue(rows.stream().anyMatch(row -> row.startsWith("| strict") && row.contains(", " + mode
                        + measure)), mode + measure + " in\n" + output);
            }
        }
    }

    @Test
    void aOneTaskModesBurstRunsInPartsBetweenRoundsOfTheStartsItIsSetAgainst() {
        assertTrue(output.contains("strict, sandbox off: 2 warm-up tasks done; 2 in the burst, in 2 part(s)"), output);
        assertTrue(output.contains("against the floor timed in 4 rounds between the parts of its own burst"), output);
    }

    @Test
    void aModeInTheSandboxIsAlsoSetAgainstTheCeilingInTheSameSandbox() {
        assumeTrue(bubblewrapUsable(), "no usable bubblewrap on this machine");
        assertTrue(rows.stream().anyMatch(row -> row.startsWith("| strict") && row.contains(", sandbox auto: share of"
                + " the ceiling in the same sandbox, timed beside its burst (%) |")), output);
        assertTrue(rows.stream().noneMatch(row -> row.contains("sandbox off: share of the ceiling in the same sandbox")),
                output);
    }

    @Test
    void theRedisFetchAndAckFloorAndTheHostsMemoryAreMeasuredInTheSameRun() {
        for (String measure : List.of("| floor: Redis reliable fetch-and-ack per second, 1 connections |",
                "| host RSS, idle on an empty queue, ", "| a waiting worker JVM's RSS, idle (MiB) |")) {
            assertTrue(rows.stream().anyMatch(row -> row.startsWith(measure)), measure + " in\n" + output);
        }
    }

    @Test
    void aSandboxChoiceOtherThanAutoOffOrBothIsAUsageError() throws Exception {
        try (CliProcess bench = CliProcess.start(temp, "bench", "--sandbox", "sometimes")) {
            assertEquals(2, bench.awaitExit(DEADLINE), bench.output());
            assertTrue(bench.stderr().contains("auto, off or both"), bench.output());
        }
    }

    private static boolean bubblewrapUsable() {
        try {
            SandboxProbe.ofThisMachine().choose(SandboxMode.REQUIRED, Path.of(System.getProperty("java.home"), "bin",
                    "java"));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
