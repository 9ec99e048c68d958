package io.taskhost.host.sandbox;

import static io.taskhost.host.sandbox.FakeMachine.read;
import static io.taskhost.host.sandbox.FakeMachine.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which kind of limits a host chooses, and what each writes, on a {@link FakeMachine}: cgroup v2
 * delegation cannot be exercised for real on the machines these tests run on (their cgroup2 mount
 * offers neither pids nor memory), and a real cgroup v1 run needs root, so the cgroup files here are
 * plain files that the fake kernel makes. The real runs are {@link CgroupLimitsOnThisMachineTest} and
 * {@link RlimitsOnThisMachineTest}.
 */
class WorkerLimitsDetectionTest {

    private static final long MIB = 1024 * 1024;
    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @TempDir
    Path temp;

    private FakeMachine machine;
    private final ProcessIdentity self = ProcessIdentity.current();

    @BeforeEach
    void machine() {
        machine = new FakeMachine(temp);
    }

    private WorkerLimits detect(int maxProcesses) {
        return WorkerLimits.detect(maxProcesses, machine.files(), machine.kernel(), self);
    }

    @Test
    void aDelegatedCgroupV2GroupIsUsedOnceTheHostHasMovedItselfIntoALeafOfIt() {
        Path own = machine.cgroup2("sys/fs/cgroup", "/system.slice/taskhost.service", "cpu io memory pids");
        try (WorkerLimits limits = detect(64)) {
            assertEquals("cgroup v2", limits.kind());
            assertEquals(PID, read(own.resolve("host/cgroup.procs")));
            assertEquals("+pids +memory", read(own.resolve("cgroup.subtree_control")));
            Path parent = onlyHostGroup(own);
            assertEquals("+pids +memory", read(parent.resolve("cgroup.subtree_control")));
            assertTrue(limits.describe().startsWith("cgroup v2"), limits.describe());
            assertTrue(limits.describe().contains(parent.toString()), limits.describe());
            assertTrue(limits.describe().contains("64 processes and threads"), limits.describe());
        }
    }

    @Test
    void theProcessesTheHostStartedAlreadyComeAlongIntoTheLeafAndNoOthers() throws Exception {
        Path own = machine.cgroup2("sys/fs/cgroup", "/system.slice/taskhost.service", "memory pids");
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            // The fake leaf's cgroup.procs keeps the last pid written: the host's first, then its child's.
            write(own.resolve("cgroup.procs"), PID + "\n" + child.pid() + "\n1\n");
            try (WorkerLimits limits = detect(64)) {
                assertEquals("cgroup v2", limits.kind());
                assertEquals(Long.toString(child.pid()), read(own.resolve("host/cgroup.procs")));
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void eachCgroupV2WorkerGetsAGroupOfItsOwnWithItsLimitsNoSwapAndOneOomKillForAll() throws IOException {
        Path own = machine.cgroup2("sys/fs/cgroup", "/system.slice/taskhost.service", "memory pids");
        try (WorkerLimits limits = detect(64)) {
            Confinement first = limits.forWorker(768 * MIB);
            Confinement second = limits.forWorker(300 * MIB);
            Path parent = onlyHostGroup(own);
            Path group = parent.resolve("worker-1");
            assertEquals("64", read(group.resolve("pids.max")));
            assertEquals(Long.toString(768 * MIB), read(group.resolve("memory.max")));
            assertEquals("0", read(group.resolve("memory.swap.max")));
            assertEquals("1", read(group.resolve("memory.oom.group")));
            assertEquals(Long.toString(300 * MIB), read(parent.resolve("worker-2/memory.max")));
            assertEquals(List.of("/bin/sh", "-c", CgroupConfinement.JOIN, "taskhost-join",
                    group.resolve("cgroup.procs").toString(), "--"), first.commandPrefix());
            first.close();
            second.close();
            assertFalse(Files.exists(group));
            assertFalse(Files.exists(parent.resolve("worker-2")));
        }
    }

    @Test
    void aCgroupV2WorkerTellsWhichOfItsLimitsItReached() throws IOException {
        Path own = machine.cgroup2("sys/fs/cgroup", "/svc", "memory pids");
        try (WorkerLimits limits = detect(64)) {
            Confinement worker = limits.forWorker(768 * MIB);
            Path group = onlyHostGroup(own).resolve("worker-1");
            assertEquals(Optional.empty(), worker.limitReached());
            write(group.resolve("pids.events"), "max 17\n");
            assertEquals(Optional.of("it reached its limit of 64 processes and threads"), worker.limitReached());
            write(group.resolve("memory.events"), "low 0\nhigh 0\nmax 40\noom 1\noom_kill 1\noom_group_kill 1\n");
            assertEquals(Optional.of("it ran out of its memory limit of 768 MiB, and it reached its limit of 64"
                    + " processes and threads"), worker.limitReached());
            worker.close();
            assertEquals(Optional.of("it ran out of its memory limit of 768 MiB, and it reached its limit of 64"
                    + " processes and threads"), worker.limitReached(), "what it reached is kept past its group");
        }
    }

    @Test
    void closingTheLimitsRemovesTheHostsGroupWithTheWorkersStillInIt() throws IOException {
        Path own = machine.cgroup2("sys/fs/cgroup", "/svc", "memory pids");
        WorkerLimits limits = detect(64);
        limits.forWorker(100 * MIB);
        Path parent = onlyHostGroup(own);
        limits.close();
        assertFalse(Files.exists(parent));
        assertThrows(IllegalStateException.class, () -> limits.forWorker(100 * MIB));
    }

    @Test
    void aSecondHostInTheSameProcessReusesTheLeafTheFirstMovedItInto() {
        Path own = machine.cgroup2("sys/fs/cgroup", "/svc", "memory pids");
        try (WorkerLimits first = detect(64)) {
            // What /proc/self/cgroup and the group's subtree_control now say.
            write(temp.resolve("proc/self/cgroup"), "0::/svc/host\n");
            write(own.resolve("cgroup.subtree_control"), "memory pids\n");
            try (WorkerLimits second = detect(64)) {
                assertEquals("cgroup v2", second.kind());
                assertFalse(Files.exists(own.resolve("host/host")), "no leaf inside the leaf");
                assertEquals(2, hostGroups(own).size());
            }
        }
    }

    @Test
    void aCgroupV2GroupThatCannotTakeControllersIsGivenUpAndTheHostMovedBack() throws IOException {
        Path own = machine.cgroup2("sys/fs/cgroup", "/user.slice/session-3.scope", "memory pids");
        // Stands for a group that still holds other processes: the kernel refuses subtree_control then.
        Files.delete(own.resolve("cgroup.subtree_control"));
        Files.createDirectory(own.resolve("cgroup.subtree_control"));
        try (WorkerLimits limits = detect(64)) {
            assertEquals("none", limits.kind());
            assertEquals(PID, read(own.resolve("cgroup.procs")));
            assertFalse(Files.exists(own.resolve("host")));
        }
    }

    @Test
    void aCgroupV2GroupWithoutThePidsOrMemoryControllerIsPassedOverForCgroupV1() throws IOException {
        machine.cgroup2("sys/fs/cgroup/unified", "/", "hugetlb");
        Path pids = machine.cgroup1(8, "pids", "sys/fs/cgroup/pids", "/");
        Path memory = machine.cgroup1(4, "memory", "sys/fs/cgroup/memory", "/process_api/e2f2");
        try (WorkerLimits limits = detect(32)) {
            assertEquals("cgroup v1", limits.kind());
            Confinement worker = limits.forWorker(64 * MIB);
            Path pidsGroup = onlyHostGroup(pids).resolve("worker-1");
            Path memoryGroup = onlyHostGroup(memory).resolve("worker-1");
            assertEquals(onlyHostGroup(pids).getFileName(), onlyHostGroup(memory).getFileName());
            assertEquals("32", read(pidsGroup.resolve("pids.max")));
            assertEquals(Long.toString(64 * MIB), read(memoryGroup.resolve("memory.limit_in_bytes")));
            assertEquals(Long.toString(64 * MIB), read(memoryGroup.resolve("memory.memsw.limit_in_bytes")));
            assertEquals(List.of("/bin/sh", "-c", CgroupConfinement.JOIN, "taskhost-join",
                    pidsGroup.resolve("cgroup.procs").toString(), memoryGroup.resolve("cgroup.procs").toString(), "--"),
                    worker.commandPrefix());
            assertTrue(limits.describe().contains(onlyHostGroup(pids).toString()), limits.describe());
            assertTrue(limits.describe().contains(onlyHostGroup(memory).toString()), limits.describe());

            write(memoryGroup.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
            assertEquals(Optional.of("it ran out of its memory limit of 64 MiB"), worker.limitReached());
            write(pidsGroup.resolve("pids.events"), "max 1\n");
            worker.close();
            assertEquals(Optional.of("it ran out of its memory limit of 64 MiB, and it reached its limit of 32"
                    + " processes and threads"), worker.limitReached());
            assertFalse(Files.exists(pidsGroup));
            assertFalse(Files.exists(memoryGroup));
        }
        assertEquals(List.of(), hostGroups(pids));
        assertEquals(List.of(), hostGroups(memory));
    }

    @Test
    void theGroupsOfAHostNoLongerRunningAreRemovedAtTheNextStartAndThoseOfARunningHostAreKept() throws IOException {
        Path pids = machine.cgroup1(8, "pids", "sys/fs/cgroup/pids", "/");
        machine.cgroup1(4, "memory", "sys/fs/cgroup/memory", "/");
        long ns = FakeMachine.PID_NAMESPACE;
        Path crashed = pids.resolve("taskhost-" + ns + "-" + self.pid() + "-" + (self.startMillis() - 1000) + "-00aa11bb");
        Path running = pids.resolve("taskhost-" + ns + "-" + self.pid() + "-" + self.startMillis() + "-00aa11cc");
        Path otherNamespace = pids.resolve("taskhost-" + (ns + 1) + "-" + self.pid() + "-1-00aa11dd");
        Path notOurs = pids.resolve("system.slice");
        for (Path group : List.of(crashed, running, otherNamespace, notOurs)) {
            machine.kernel().makeGroup(group);
        }
        machine.kernel().makeGroup(crashed.resolve("worker-7"));
        try (WorkerLimits limits = detect(32)) {
            assertEquals("cgroup v1", limits.kind());
            assertFalse(Files.exists(crashed), "left by a host that is no longer running");
            assertTrue(Files.exists(running));
            assertTrue(Files.exists(otherNamespace), "its host runs in another pid namespace, which cannot be checked");
            assertTrue(Files.exists(notOurs));
        }
    }

    @Test
    void cgroupV1NeedsBothThePidsAndTheMemoryHierarchy() {
        Path pids = machine.cgroup1(8, "pids", "sys/fs/cgroup/pids", "/");
        machine.prlimit();
        try (WorkerLimits limits = detect(32)) {
            assertEquals("rlimit", limits.kind());
            assertEquals(List.of(), hostGroups(pids));
        }
    }

    @Test
    void theCommandPrefixPutsTheWorkerIntoEachOfItsGroupsBeforeItRunsTheRest() throws Exception {
        Path pids = machine.cgroup1(8, "pids", "sys/fs/cgroup/pids", "/");
        Path memory = machine.cgroup1(4, "memory", "sys/fs/cgroup/memory", "/");
        try (WorkerLimits limits = detect(32)) {
            Confinement worker = limits.forWorker(64 * MIB);
            var command = new java.util.ArrayList<>(worker.commandPrefix());
            command.addAll(List.of("/bin/sh", "-c", "echo $$ \"$@\"", "sh", "an argument", "*"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).trim();
            assertEquals(0, process.waitFor());
            String pid = Long.toString(process.pid());
            assertEquals(pid + " an argument *", output, "the same process runs the rest, with its arguments as they were");
            assertEquals(pid + "\n", read(onlyHostGroup(pids).resolve("worker-1/cgroup.procs")));
            assertEquals(pid + "\n", read(onlyHostGroup(memory).resolve("worker-1/cgroup.procs")));
            // As the kernel does once a process has exited; and nothing is killed by a pid that another process may have now.
            write(onlyHostGroup(pids).resolve("worker-1/cgroup.procs"), "");
            write(onlyHostGroup(memory).resolve("worker-1/cgroup.procs"), "");

            worker.close();
            Process unconfined = new ProcessBuilder(command).redirectErrorStream(true).start();
            String complaint = new String(unconfined.getInputStream().readAllBytes());
            assertEquals(Confinement.COULD_NOT_JOIN, unconfined.waitFor(), "a worker that cannot join its group does not run");
            assertTrue(complaint.contains("worker-1/cgroup.procs"), complaint);
        }
    }

    @Test
    void withoutUsableCgroupsTheLimitsAreRlimitsSetByPrlimit() throws IOException {
        machine.cgroup2("sys/fs/cgroup", "/user.slice/user-1000.slice/session-2.scope", "");
        Path prlimit = machine.prlimit();
        try (WorkerLimits limits = detect(100)) {
            assertEquals("rlimit", limits.kind());
            Confinement worker = limits.forWorker(512 * MIB);
            // /proc/loadavg says the machine runs 150 processes and threads.
            assertEquals(List.of(prlimit.toString(), "--nproc=250", "--data=" + 512 * MIB, "--"), worker.commandPrefix());
            assertEquals(Optional.empty(), worker.limitReached());
            worker.close();
            assertTrue(limits.describe().startsWith("rlimit"), limits.describe());
            assertTrue(limits.describe().contains("per user"), limits.describe());
            assertFalse(limits.describe().contains("not enforced"), limits.describe());
        }
    }

    @Test
    void theProcessRlimitIsSaidNotToBeEnforcedForRoot() {
        machine.user(0, "000001ffffffffff").prlimit();
        try (WorkerLimits limits = detect(100)) {
            assertEquals("rlimit", limits.kind());
            assertTrue(limits.describe().contains("not enforced"), limits.describe());
        }
    }

    @Test
    void theProcessRlimitIsSaidNotToBeEnforcedForAUserWithCapSysResource() {
        machine.user(1000, "0000000001000000").prlimit();
        try (WorkerLimits limits = detect(100)) {
            assertTrue(limits.describe().contains("not enforced"), limits.describe());
        }
    }

    @Test
    void rootOfAUserNamespaceIsHeldToTheProcessRlimit() {
        machine.user(0, "000001ffffffffff").prlimit();
        write(temp.resolve("proc/self/uid_map"), "         0     100000      65536\n");
        try (WorkerLimits limits = detect(100)) {
            assertFalse(limits.describe().contains("not enforced"), limits.describe());
        }
    }

    @Test
    void withNeitherCgroupsNorPrlimitNothingIsLimited() throws IOException {
        try (WorkerLimits limits = detect(100)) {
            assertEquals("none", limits.kind());
            Confinement worker = limits.forWorker(512 * MIB);
            assertEquals(List.of(), worker.commandPrefix());
            assertEquals(Optional.empty(), worker.limitReached());
            assertTrue(limits.describe().startsWith("none"), limits.describe());
        }
    }

    @Test
    void limitsMustLeaveRoomForAProcess() {
        assertThrows(IllegalArgumentException.class, () -> detect(0));
        try (WorkerLimits limits = detect(10)) {
            assertThrows(IllegalArgumentException.class, () -> limits.forWorker(0));
        }
    }

    private Path onlyHostGroup(Path own) {
        List<Path> groups = hostGroups(own);
        assertEquals(1, groups.size(), groups.toString());
        return groups.get(0);
    }

    private static List<Path> hostGroups(Path own) {
        try (Stream<Path> entries = Files.list(own)) {
            return entries.filter(entry -> entry.getFileName().toString().startsWith("taskhost-")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
