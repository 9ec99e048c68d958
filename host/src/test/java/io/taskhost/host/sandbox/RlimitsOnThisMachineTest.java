package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.worker.ProcessGroups;
import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real rlimits, set by this machine's {@code prlimit} on processes started through a worker's command
 * prefix, on a {@link FakeMachine} without cgroups so that the rlimit kind is chosen. Skipped where
 * there is no {@code prlimit}.
 */
class RlimitsOnThisMachineTest {

    private static final long MIB = 1024 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String FORK_LOOP =
            "i=0; while [ $i -lt 2000 ]; do sleep 30 > /dev/null 2>&1 & i=$((i+1)); done; wait";
    private static final String NOBODY = "65534";

    @TempDir
    Path temp;

    private FakeMachine machine;

    @BeforeEach
    void machine() {
        machine = new FakeMachine(temp).runningTasks(0);
        assumeTrue(machine.realPrlimit().isPresent(), "this machine has no prlimit");
    }

    @Test
    void aWorkerRunsUnderTheProcessAndDataRlimitsItIsGiven() throws Exception {
        try (WorkerLimits limits = detect(100)) {
            assertEquals("rlimit", limits.kind());
            String limitsFile = run(limits.forWorker(512 * MIB), "cat", "/proc/self/limits");
            assertTrue(limitsFile.matches("(?s).*\\nMax processes +100 +100 +processes.*"), limitsFile);
            assertTrue(limitsFile.matches("(?s).*\\nMax data size +" + 512 * MIB + " +" + 512 * MIB + " +bytes.*"), limitsFile);
        }
    }

    @Test
    void aProcessThatAsksForMoreThanItsDataRlimitIsRefused() throws Exception {
        try (WorkerLimits limits = detect(100)) {
            Process hog = start(limits.forWorker(64 * MIB), "/bin/sh", "-c", "head -c 300000000 /dev/zero | tail");
            String output = new String(hog.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(hog.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertNotEquals(0, hog.exitValue(), output);
            assertTrue(output.contains("memory exhausted"), output);
        }
    }

    /**
     * Why the memory rlimit is RLIMIT_DATA: a JVM reserves far more address space than it uses (a
     * gigabyte of class space, the code cache, the whole heap at once), so RLIMIT_AS at its heap plus
     * some hundred MiB stops it from starting, while RLIMIT_DATA counts only the writable memory it
     * actually maps.
     */
    @Test
    void aJvmStartsUnderTheDataRlimitOfItsHeapAndSomeHeadroomWhereTheSameAddressSpaceRlimitStopsIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (WorkerLimits limits = detect(100)) {
            Confinement worker = limits.forWorker((64 + 256) * MIB);
            assertTrue(run(worker, java, "-Xmx64m", "-version").contains("version"));

            var addressSpace = new ArrayList<>(worker.commandPrefix());
            addressSpace.set(addressSpace.indexOf("--data=" + (64 + 256) * MIB), "--as=" + (64 + 256) * MIB);
            addressSpace.addAll(List.of(java, "-Xmx64m", "-version"));
            Process stopped = new ProcessBuilder(addressSpace).redirectErrorStream(true).start();
            String output = new String(stopped.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(stopped.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertNotEquals(0, stopped.exitValue(), output);
        }
    }

    /**
     * RLIMIT_NPROC holds a user other than root: the fork loop runs as nobody (set by {@code setpriv}
     * after the prefix, which keeps the limits), and stops at the limit. Needs root to become nobody.
     */
    @Test
    void aForkLoopOfAnUnprivilegedUserStopsAtTheProcessRlimit() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "root, to run the loop as nobody");
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "this machine has no setpriv");
        assumeTrue(tasksOf(NOBODY) == 0, "nobody runs nothing else here");
        try (WorkerLimits limits = detect(20); var groups = ProcessGroups.ofThisPlatform()) {
            assumeTrue(groups.available(), "this machine has no setsid");
            var command = new ArrayList<>(List.of("setsid"));
            command.addAll(limits.forWorker(64 * MIB).commandPrefix());
            command.addAll(List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "/bin/sh", "-c", FORK_LOOP));
            Process bomb = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                String output = new String(bomb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(bomb.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
                assertTrue(output.contains("Cannot fork") || output.contains("fork"), output);
                int started = tasksOf(NOBODY);
                assertTrue(started > 0 && started < 20, started + " of nobody's processes");
            } finally {
                groups.signal(bomb.pid(), "KILL");
            }
        }
    }

    private WorkerLimits detect(int maxProcesses) {
        return WorkerLimits.detect(maxProcesses, machine.files(), machine.kernel(), ProcessIdentity.current());
    }

    private static Process start(Confinement worker, String... command) throws IOException {
        var line = new ArrayList<>(worker.commandPrefix());
        line.addAll(List.of(command));
        return new ProcessBuilder(line).redirectErrorStream(true).start();
    }

    private static String run(Confinement worker, String... command) throws Exception {
        Process process = start(worker, command);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** The running (not zombie) processes whose real uid is {@code uid}. */
    private static int tasksOf(String uid) throws IOException {
        int count = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    List<String> status = Files.readAllLines(process.resolve("status"));
                    boolean running = status.stream().noneMatch(line -> line.startsWith("State:") && line.contains("Z"));
                    if (running && status.stream().anyMatch(line -> line.matches("Uid:\\s+" + uid + "\\s.*"))) {
                        count++;
                    }
                } catch (IOException gone) {
                    // Ended meanwhile.
                }
            }
        }
        return count;
    }
}
