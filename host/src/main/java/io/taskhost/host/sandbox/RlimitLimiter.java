package io.taskhost.host.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Limits by rlimits, which util-linux {@code prlimit} sets on itself before it execs the rest of the
 * worker's command, when the host can have no cgroups. They are weaker in two ways, which
 * {@link #describe()} says:
 *
 * <ul>
 *   <li>RLIMIT_NPROC counts every process and thread of the user, the host's and all its workers'
 *       included, not a worker's alone. Each worker may therefore have {@code maxProcesses} more than the
 *       machine runs when it starts (read from {@code /proc/loadavg}, which counts everyone's: never
 *       fewer than the user's own), and a fork bomb in one can keep its siblings from starting threads
 *       until it is killed. The kernel does not enforce it at all for root, or with CAP_SYS_RESOURCE or
 *       CAP_SYS_ADMIN.</li>
 *   <li>The memory limit is RLIMIT_DATA, per process, not per worker. RLIMIT_AS cannot be used: a JVM
 *       reserves address space far beyond what it uses (a gigabyte of class space, the code cache, its
 *       whole heap at once), so that {@code java -Xmx256m} cannot even start under an RLIMIT_AS of 2 GiB. RLIMIT_DATA counts the private writable memory it maps: its committed heap, thread
 *       stacks (1 MiB each), malloc arenas and metaspace; {@code java -Xmx256m} with 50 threads runs
 *       under 416 MiB but not under 384 MiB (JDK 17, Linux 6.18). Going over makes an allocation fail
 *       rather than kill the process, so there is no trace of it for {@link Confinement#limitReached()}.</li>
 * </ul>
 */
final class RlimitLimiter implements Limiter {

    private final Path prlimit;
    private final Path loadavg;
    private final int maxProcesses;
    private final boolean processLimitEnforced;

    private RlimitLimiter(Path prlimit, Path loadavg, int maxProcesses, boolean processLimitEnforced) {
        this.prlimit = prlimit;
        this.loadavg = loadavg;
        this.maxProcesses = maxProcesses;
        this.processLimitEnforced = processLimitEnforced;
    }

    static RlimitLimiter setUp(SystemFiles files, int maxProcesses) throws NotUsable {
        Path prlimit = files.prlimit().orElseThrow(() -> new NotUsable("no prlimit at " + files.prlimitCandidates()));
        return new RlimitLimiter(prlimit, files.loadavg(), maxProcesses, !exemptFromProcessLimit(files));
    }

    /**
     * Whether the kernel lets this user's processes past RLIMIT_NPROC: root of the initial user
     * namespace always; another user of it with CAP_SYS_RESOURCE or CAP_SYS_ADMIN, which the kernel
     * checks in the initial namespace, so that a root mapped from another user is held to it.
     */
    static boolean exemptFromProcessLimit(SystemFiles files) {
        List<String> status = lines(files.status());
        long uid = status.stream().filter(line -> line.startsWith("Uid:")).findFirst()
                .map(line -> Long.parseLong(line.substring(4).trim().split("\\s+")[0])).orElse(-1L);
        if (uid < 0) {
            return false;
        }
        Optional<Long> kernelUid = Optional.empty();
        boolean initialNamespace = false;
        for (String line : lines(files.uidMap())) {
            String[] range = line.trim().split("\\s+");
            if (range.length == 3) {
                long inside = Long.parseLong(range[0]);
                long outside = Long.parseLong(range[1]);
                long count = Long.parseLong(range[2]);
                initialNamespace |= inside == 0 && outside == 0 && count == 4294967295L;
                if (uid >= inside && uid - inside < count) {
                    kernelUid = Optional.of(outside + uid - inside);
                }
            }
        }
        if (kernelUid.orElse(uid) == 0) {
            return true;
        }
        if (!initialNamespace) {
            return false;
        }
        long capabilities = status.stream().filter(line -> line.startsWith("CapEff:")).findFirst()
                .map(line -> Long.parseUnsignedLong(line.substring(7).trim(), 16)).orElse(0L);
        long sysAdmin = 1L << 21;
        long sysResource = 1L << 24;
        return (capabilities & (sysAdmin | sysResource)) != 0;
    }

    @Override
    public String kind() {
        return "rlimit";
    }

    @Override
    public String describe() {
        return "rlimit: each worker process may map as much writable memory as its worker is given (RLIMIT_DATA, per process)"
                + " and start " + maxProcesses + " processes and threads more than the machine runs when the worker starts,"
                + " counted per user across the host and all its workers (RLIMIT_NPROC)"
                + (processLimitEnforced ? "" : "; the process limit is not enforced: the kernel exempts root and"
                        + " CAP_SYS_RESOURCE and CAP_SYS_ADMIN from it, and the host has one of them");
    }

    @Override
    public Confinement forWorker(long memoryBytes) {
        return new PrefixConfinement(List.of(prlimit.toString(), "--nproc=" + (runningTasks() + maxProcesses),
                "--data=" + memoryBytes, "--"));
    }

    /** The machine's processes and threads: the fourth field of /proc/loadavg, "running/total". */
    private long runningTasks() {
        List<String> lines = lines(loadavg);
        if (!lines.isEmpty()) {
            String[] fields = lines.get(0).trim().split("\\s+");
            if (fields.length >= 4 && fields[3].matches("\\d+/\\d+")) {
                return Long.parseLong(fields[3].substring(fields[3].indexOf('/') + 1));
            }
        }
        return 0;
    }

    @Override
    public void close() {
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
