package io.taskhost.host.sandbox;

import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits in a cgroup v2 group delegated to the host, as systemd's {@code Delegate=yes} gives a
 * service. cgroup v2 lets no group both hold processes and hand controllers to child groups, so the
 * host first moves itself into a leaf {@code <own>/host}, then enables pids and memory for
 * {@code <own>}'s children, makes its group {@code <own>/taskhost-...} with them enabled again, and
 * each worker gets {@code worker-<n>} under that.
 */
final class CgroupV2Limiter extends CgroupLimiter {

    private static final Logger log = LoggerFactory.getLogger(CgroupV2Limiter.class);
    static final String LEAF = "host";
    private static final List<String> CONTROLLERS = List.of("pids", "memory");
    private static final String ENABLE = "+pids +memory";

    private CgroupV2Limiter(Path hostGroup, CgroupFs fs, int maxProcesses) {
        super(List.of(hostGroup), fs, maxProcesses);
    }

    static CgroupV2Limiter setUp(CgroupMounts mounts, SystemFiles files, CgroupFs fs, ProcessIdentity self,
                                 int maxProcesses) throws NotUsable {
        Path group = mounts.v2Group().orElseThrow(() -> new NotUsable("no cgroup2 mount holds this process's group"));
        // A host that an earlier WorkerLimits of this JVM has moved into the leaf: its group is the leaf's parent.
        boolean inLeaf = group.getFileName() != null && group.getFileName().toString().equals(LEAF)
                && Cgroups.words(group.getParent().resolve("cgroup.subtree_control")).containsAll(CONTROLLERS)
                && Files.isWritable(group.getParent().resolve("cgroup.procs"));
        Path own = inLeaf ? group.getParent() : group;
        List<String> offered = Cgroups.words(own.resolve("cgroup.controllers"));
        if (!offered.containsAll(CONTROLLERS)) {
            throw new NotUsable("its group " + own + " offers " + (offered.isEmpty() ? "no controller" : String.join(" ", offered))
                    + ", not both pids and memory");
        }
        for (String file : List.of("cgroup.procs", "cgroup.subtree_control")) {
            if (!Files.isWritable(own.resolve(file))) {
                throw new NotUsable("its group " + own + " is not delegated to this user (" + file + " is not writable)");
            }
        }
        if (!inLeaf) {
            moveIntoLeaf(own, fs, self);
        }
        String pidNamespace = files.pidNamespace();
        Cgroups.removeAbandoned(own, pidNamespace, fs);
        Path hostGroup = own.resolve(Cgroups.hostGroupName(pidNamespace, self));
        try {
            fs.makeGroup(hostGroup);
            Cgroups.write(hostGroup.resolve("cgroup.subtree_control"), ENABLE);
        } catch (IOException e) {
            Cgroups.killAndRemove(hostGroup, fs);
            throw new NotUsable("cannot make " + hostGroup + " with pids and memory for its groups: " + e.getMessage());
        }
        return new CgroupV2Limiter(hostGroup, fs, maxProcesses);
    }

    /**
     * Moves the host, and the processes it has started in {@code <own>} already (an embedded
     * redis-server), into {@code <own>/host}, and enables the controllers for {@code <own>}'s children;
     * or, where the kernel refuses that because other processes are in {@code <own>}, moves them back.
     */
    private static void moveIntoLeaf(Path own, CgroupFs fs, ProcessIdentity self) throws NotUsable {
        Path leaf = own.resolve(LEAF);
        boolean made = !Files.isDirectory(leaf);
        List<Long> moved;
        try {
            if (made) {
                fs.makeGroup(leaf);
            }
            Cgroups.write(leaf.resolve("cgroup.procs"), Long.toString(self.pid()));
            moved = moveChildren(own, leaf, self);
        } catch (IOException e) {
            removeIfMade(leaf, made, fs);
            throw new NotUsable("cannot move the host into " + leaf + ": " + e.getMessage());
        }
        try {
            Cgroups.write(own.resolve("cgroup.subtree_control"), ENABLE);
        } catch (IOException e) {
            List<Long> others = Cgroups.processes(own);
            for (long pid : moved) {
                try {
                    Cgroups.write(own.resolve("cgroup.procs"), Long.toString(pid));
                } catch (IOException back) {
                    log.warn("could not move pid {} back from {} into {}: {}", pid, leaf, own, back.toString());
                }
            }
            removeIfMade(leaf, made, fs);
            throw new NotUsable("cannot enable pids and memory for the groups in " + own + " (" + e.getMessage() + ")"
                    + (others.isEmpty() ? "" : "; it holds other processes than the host: " + others));
        }
    }

    /** Moves the host's descendants that are in {@code own} into {@code leaf}; returns the host's pid and theirs. */
    private static List<Long> moveChildren(Path own, Path leaf, ProcessIdentity self) {
        var moved = new ArrayList<>(List.of(self.pid()));
        Set<Long> descendants = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        for (long pid : Cgroups.processes(own)) {
            if (descendants.contains(pid)) {
                try {
                    Cgroups.write(leaf.resolve("cgroup.procs"), Long.toString(pid));
                    moved.add(pid);
                } catch (IOException e) {
                    log.debug("could not move pid {} into {}: {}", pid, leaf, e.toString());
                }
            }
        }
        return moved;
    }

    private static void removeIfMade(Path leaf, boolean made, CgroupFs fs) {
        if (made) {
            try {
                fs.removeGroup(leaf);
            } catch (IOException e) {
                log.debug("could not remove {}: {}", leaf, e.toString());
            }
        }
    }

    @Override
    public String kind() {
        return "cgroup v2";
    }

    @Override
    public String describe() {
        return "cgroup v2: each worker in a group of its own under " + hostGroups().get(0) + ", with at most "
                + maxProcesses + " processes and threads and the memory it is given, without swap";
    }

    @Override
    void limit(List<Path> workerGroups, long memoryBytes) throws IOException {
        Path group = workerGroups.get(0);
        Cgroups.write(group.resolve("pids.max"), Integer.toString(maxProcesses));
        Cgroups.write(group.resolve("memory.max"), Long.toString(memoryBytes));
        writeIfThere(group.resolve("memory.swap.max"), "0");
        // The kernel's OOM killer then ends the whole worker, not one of its processes.
        writeIfThere(group.resolve("memory.oom.group"), "1");
    }

    private static void writeIfThere(Path file, String value) throws IOException {
        if (Files.exists(file)) {
            Cgroups.write(file, value);
        }
    }

    @Override
    boolean ranOutOfMemory(List<Path> workerGroups) {
        return Cgroups.counter(workerGroups.get(0).resolve("memory.events"), "oom_kill") > 0;
    }

    @Override
    boolean reachedProcessLimit(List<Path> workerGroups) {
        return Cgroups.counter(workerGroups.get(0).resolve("pids.events"), "max") > 0;
    }
}
