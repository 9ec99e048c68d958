package io.taskhost.host.sandbox;

import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits in cgroup v1's pids and memory hierarchies, which root can write where they are mounted
 * (as on machines whose cgroup2 mount offers neither controller). The host makes a group
 * {@code taskhost-...} next to where it is itself, in each hierarchy; each worker gets
 * {@code worker-<n>} in both. cgroup v1 allows processes beside child groups, so the host stays where it is.
 */
final class CgroupV1Limiter extends CgroupLimiter {

    private static final Logger log = LoggerFactory.getLogger(CgroupV1Limiter.class);

    private CgroupV1Limiter(Path pids, Path memory, CgroupFs fs, int maxProcesses) {
        super(List.of(pids, memory), fs, maxProcesses);
    }

    static CgroupV1Limiter setUp(CgroupMounts mounts, SystemFiles files, CgroupFs fs, ProcessIdentity self,
                                 int maxProcesses) throws NotUsable {
        var owns = new ArrayList<Path>();
        for (String controller : List.of("pids", "memory")) {
            Path own = mounts.v1Group(controller).orElseThrow(
                    () -> new NotUsable("no cgroup v1 " + controller + " hierarchy holds this process"));
            if (!Files.isWritable(own)) {
                throw new NotUsable("its " + controller + " group " + own + " is not writable by this user");
            }
            owns.add(own);
        }
        String pidNamespace = files.pidNamespace();
        owns.forEach(own -> Cgroups.removeAbandoned(own, pidNamespace, fs));
        String name = Cgroups.hostGroupName(pidNamespace, self);
        var made = new ArrayList<Path>();
        try {
            for (Path own : owns) {
                Path group = own.resolve(name);
                fs.makeGroup(group);
                made.add(group);
            }
            for (Path file : List.of(made.get(0).resolve("pids.max"), made.get(1).resolve("memory.limit_in_bytes"))) {
                if (!Files.isWritable(file)) {
                    throw new IOException(file + " is not writable");
                }
            }
        } catch (IOException e) {
            made.forEach(group -> Cgroups.killAndRemove(group, fs));
            throw new NotUsable("cannot make its groups " + name + ": " + e.getMessage());
        }
        return new CgroupV1Limiter(made.get(0), made.get(1), fs, maxProcesses);
    }

    @Override
    public String kind() {
        return "cgroup v1";
    }

    @Override
    public String describe() {
        return "cgroup v1: each worker in groups of its own under " + hostGroups().get(0) + " and " + hostGroups().get(1)
                + ", with at most " + maxProcesses + " processes and threads and the memory it is given, without swap";
    }

    @Override
    void limit(List<Path> workerGroups, long memoryBytes) throws IOException {
        Cgroups.write(workerGroups.get(0).resolve("pids.max"), Integer.toString(maxProcesses));
        Path memory = workerGroups.get(1);
        Cgroups.write(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
        // Memory plus swap, there only where the kernel accounts swap; no more than the memory: no swap.
        Path withSwap = memory.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(withSwap)) {
            try {
                Cgroups.write(withSwap, Long.toString(memoryBytes));
            } catch (IOException e) {
                log.debug("could not keep {} from swapping: {}", memory, e.toString());
            }
        }
    }

    @Override
    boolean ranOutOfMemory(List<Path> workerGroups) {
        // oom_kill (Linux 4.13+) counts the processes the kernel killed for this group's limit; memory.failcnt
        // is no such sign (it stays 0 through an OOM kill on Linux 6.18).
        return Cgroups.counter(workerGroups.get(1).resolve("memory.oom_control"), "oom_kill") > 0;
    }

    @Override
    boolean reachedProcessLimit(List<Path> workerGroups) {
        return Cgroups.counter(workerGroups.get(0).resolve("pids.events"), "max") > 0;
    }
}
