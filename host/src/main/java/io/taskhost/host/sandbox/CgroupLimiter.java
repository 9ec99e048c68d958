package io.taskhost.host.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits by cgroups: the host has a group of its own in each hierarchy it uses, and each worker a
 * group {@code worker-<n>} in each of those, removed with the worker. What differs between cgroup
 * versions is which files hold the limits and say which was reached.
 */
abstract class CgroupLimiter implements Limiter {

    private final List<Path> hostGroups;
    private final CgroupFs fs;
    private final Set<CgroupConfinement> open = ConcurrentHashMap.newKeySet();
    private long workers;

    /** How many processes and threads each worker may have; pids.max counts threads too. */
    final int maxProcesses;

    CgroupLimiter(List<Path> hostGroups, CgroupFs fs, int maxProcesses) {
        this.hostGroups = List.copyOf(hostGroups);
        this.fs = fs;
        this.maxProcesses = maxProcesses;
    }

    /** Sets the limits of a worker's new groups, one in each of the host's groups, in their order. */
    abstract void limit(List<Path> workerGroups, long memoryBytes) throws IOException;

    /** Whether its memory ran out (the kernel killed a process for it), and whether a fork failed at its process limit. */
    abstract boolean ranOutOfMemory(List<Path> workerGroups);

    abstract boolean reachedProcessLimit(List<Path> workerGroups);

    List<Path> hostGroups() {
        return hostGroups;
    }

    @Override
    public synchronized Confinement forWorker(long memoryBytes) throws IOException {
        long n = ++workers;
        var groups = new ArrayList<Path>();
        try {
            for (Path hostGroup : hostGroups) {
                Path group = hostGroup.resolve(Cgroups.WORKER_PREFIX + n);
                fs.makeGroup(group);
                groups.add(group);
            }
            limit(groups, memoryBytes);
        } catch (IOException | RuntimeException e) {
            groups.forEach(group -> Cgroups.killAndRemove(group, fs));
            throw e;
        }
        var confinement = new CgroupConfinement(groups, fs, () -> reached(groups, memoryBytes), open::remove);
        open.add(confinement);
        return confinement;
    }

    private Optional<String> reached(List<Path> groups, long memoryBytes) {
        var reached = new ArrayList<String>();
        if (ranOutOfMemory(groups)) {
            reached.add("it ran out of its memory limit of " + Sizes.text(memoryBytes));
        }
        if (reachedProcessLimit(groups)) {
            reached.add("it reached its limit of " + maxProcesses + " processes and threads");
        }
        return reached.isEmpty() ? Optional.empty() : Optional.of(String.join(", and ", reached));
    }

    /** Kills what the workers left, and removes their groups and the host's. */
    @Override
    public synchronized void close() {
        List.copyOf(open).forEach(CgroupConfinement::close);
        hostGroups.forEach(group -> Cgroups.killAndRemove(group, fs));
    }
}
