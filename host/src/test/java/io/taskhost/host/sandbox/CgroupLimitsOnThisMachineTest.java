package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.host.testing.Eventually;
import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real cgroups: processes started through a worker's command prefix on this machine, held to its
 * limits. Skipped where the host cannot have cgroups of its own (not root on a cgroup v1 machine, no
 * delegated cgroup v2 group). On a machine with cgroup v1 (as where root runs these tests) they
 * exercise the v1 hierarchies; where a delegated v2 group is found they exercise v2, and move this
 * test JVM into a leaf of its group, as a host would.
 *
 * <p>Every loop is bounded: the fork loop starts at most 2000 {@code sleep 30}, all of them inside the
 * worker's group, and {@link Confinement#close()} kills what is left.
 */
class CgroupLimitsOnThisMachineTest {

    private static final long MIB = 1024 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String FORK_LOOP = "i=0; while [ $i -lt 2000 ]; do sleep 30 & i=$((i+1)); done; wait";

    private WorkerLimits limits;
    private final List<Confinement> workers = new ArrayList<>();

    @BeforeEach
    void limits() {
        limits = WorkerLimits.detect(32);
        assumeTrue(limits.kind().startsWith("cgroup"), "this machine gives the host no cgroups: " + limits.describe());
    }

    @AfterEach
    void close() {
        workers.forEach(Confinement::close);
        limits.close();
    }

    private CgroupConfinement worker(long memoryBytes) throws IOException {
        Confinement worker = limits.forWorker(memoryBytes);
        workers.add(worker);
        return (CgroupConfinement) worker;
    }

    @Test
    void aForkLoopStopsAtTheProcessLimitAndTheWorkerSaysSoWhileOtherProcessesRunOn() throws Exception {
        CgroupConfinement bomb = worker(256 * MIB);
        Process process = start(bomb, "/bin/sh", "-c", FORK_LOOP);
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the fork loop ended");
        assertNotEquals(0, process.exitValue(), "a shell that cannot fork fails");
        assertEquals(Optional.of("it reached its limit of 32 processes and threads"), bomb.limitReached());
        List<Long> left = bomb.processes();
        assertFalse(left.isEmpty(), "its sleeps are still there");
        assertTrue(left.size() < 32, left.size() + " processes in a group of at most 32, the shell gone");

        CgroupConfinement neighbour = worker(256 * MIB);
        assertEquals("fine\n", run(neighbour, "/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8; do /bin/true; done; echo fine"));
        assertEquals(Optional.empty(), neighbour.limitReached());
        assertEquals("fine\n", run(null, "/bin/sh", "-c", "sleep 0 & wait; echo fine"), "outside any group");

        List<Path> groups = bomb.groups();
        bomb.close();
        left.forEach(pid -> assertTrue(gone(pid), "pid " + pid + " was killed"));
        groups.forEach(group -> assertFalse(Files.exists(group), group + " removed"));
        assertEquals(Optional.of("it reached its limit of 32 processes and threads"), bomb.limitReached());
    }

    @Test
    void aWorkerThatTakesMoreMemoryThanItIsGivenIsKilledAndSaysSo() throws Exception {
        CgroupConfinement hog = worker(64 * MIB);
        // tail keeps a line in memory until its end: 300 MB without a line break.
        Process process = start(hog, "/bin/sh", "-c", "head -c 300000000 /dev/zero | tail");
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the hog ended");
        assertEquals(128 + 9, process.exitValue(), "killed by SIGKILL");
        assertEquals(Optional.of("it ran out of its memory limit of 64 MiB"), hog.limitReached());

        CgroupConfinement modest = worker(64 * MIB);
        assertEquals("10000000\n", run(modest, "/bin/sh", "-c", "head -c 10000000 /dev/zero | tail | wc -c"));
        assertEquals(Optional.empty(), modest.limitReached());
    }

    @Test
    void aProcessThatLeftItsWorkersProcessGroupAndSessionIsKilledWithTheWorker() throws Exception {
        CgroupConfinement worker = worker(64 * MIB);
        String escaped = run(worker, "/bin/sh", "-c", "setsid sleep 30 > /dev/null 2>&1 & echo $!").trim();
        long pid = Long.parseLong(escaped);
        assertFalse(gone(pid), "it outlived its parent");
        worker.close();
        assertTrue(gone(pid), "killed with its worker");
    }

    @Test
    void theGroupsAHostLeftBehindAreRemovedWithTheirProcessesWhenTheNextHostStarts() throws Exception {
        assumeTrue(limits.kind().equals("cgroup v1"), "a cgroup v1 machine");
        var mounts = CgroupMounts.read(SystemFiles.ofThisMachine());
        ProcessIdentity self = ProcessIdentity.current();
        String crashedHost = "taskhost-" + SystemFiles.ofThisMachine().pidNamespace() + "-" + self.pid() + "-"
                + (self.startMillis() - 1000) + "-0000dead";
        List<Path> left = new ArrayList<>();
        for (String controller : List.of("pids", "memory")) {
            Path group = mounts.v1Group(controller).orElseThrow().resolve(crashedHost).resolve("worker-1");
            Files.createDirectories(group);
            left.add(group);
        }
        var command = new ArrayList<>(CgroupConfinement.prefix(left));
        command.addAll(List.of("sleep", "30"));
        Process orphan = new ProcessBuilder(command).start();
        try {
            Eventually.within(Duration.ofSeconds(10), "the orphan in its groups",
                    () -> read(left.get(0).resolve("cgroup.procs")).equals(orphan.pid() + "\n"));
            try (WorkerLimits next = WorkerLimits.detect(32)) {
                assertEquals("cgroup v1", next.kind());
                assertTrue(orphan.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the orphan was killed");
                for (Path group : left) {
                    assertFalse(Files.exists(group.getParent()), group.getParent() + " removed");
                }
            }
        } finally {
            orphan.destroyForcibly();
            for (Path group : left) {
                Files.deleteIfExists(group);
                Files.deleteIfExists(group.getParent());
            }
        }
    }

    @Test
    void closingTheLimitsKillsWhatIsLeftInTheirWorkersAndRemovesTheHostsGroups() throws Exception {
        CgroupConfinement worker = worker(64 * MIB);
        Process process = start(worker, "sleep", "30");
        Eventually.within(Duration.ofSeconds(10), "the worker in its group", () -> worker.processes().contains(process.pid()));
        List<Path> hostGroups = worker.groups().stream().map(Path::getParent).toList();
        limits.close();
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "killed");
        hostGroups.forEach(group -> assertFalse(Files.exists(group), group + " removed"));
    }

    private static Process start(Confinement worker, String... command) throws IOException {
        var line = new ArrayList<String>(worker == null ? List.of() : worker.commandPrefix());
        line.addAll(List.of(command));
        return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String run(Confinement worker, String... command) throws Exception {
        var line = new ArrayList<String>(worker == null ? List.of() : worker.commandPrefix());
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** Gone, or a zombie that its new parent has not reaped yet: either way, no longer running. */
    private static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
