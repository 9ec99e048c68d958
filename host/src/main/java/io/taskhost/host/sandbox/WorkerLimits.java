package io.taskhost.host.sandbox;

import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits of worker processes beyond their heap: how many processes and threads a worker may
 * have, so that a fork bomb in a task cannot take the machine down, and how much memory the whole
 * worker may use. Chosen once, when the host starts, as the best this machine offers the host:
 *
 * <ol>
 *   <li><b>cgroup v2</b>, in the host's own group where it is delegated to the host (systemd's
 *       {@code Delegate=yes}) and offers the pids and memory controllers;</li>
 *   <li><b>cgroup v1</b>, in the pids and memory hierarchies where the host can write them (root);</li>
 *   <li><b>rlimit</b>, set by util-linux {@code prlimit}: weaker, see {@link #describe()};</li>
 *   <li><b>none</b>, where there is not even {@code prlimit}.</li>
 * </ol>
 *
 * Each worker gets a {@link Confinement}: a command prefix that puts it within its limits before it
 * can fork, and, for cgroups, a group of its own that tells which limit it reached and that takes
 * every process left in it along when it is closed. {@link #close()} removes the host's groups; the
 * groups of a host that died without it are removed when the next host starts.
 */
public final class WorkerLimits implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLimits.class);

    private final Limiter limiter;
    private boolean closed;

    private WorkerLimits(Limiter limiter) {
        this.limiter = limiter;
    }

    /**
     * The best limits this machine offers the host, set up: with cgroups, the host's groups are made
     * (and with cgroup v2 the host has moved itself into a leaf of its group). What was passed over,
     * and why, is logged.
     *
     * @param maxProcesses how many processes and threads each worker may have; a worker JVM alone has
     *                     about 20 threads on 2 CPUs, and more on larger machines
     */
    public static WorkerLimits detect(int maxProcesses) {
        return detect(maxProcesses, SystemFiles.ofThisMachine(), CgroupFs.KERNEL, ProcessIdentity.current());
    }

    static WorkerLimits detect(int maxProcesses, SystemFiles files, CgroupFs fs, ProcessIdentity self) {
        if (maxProcesses < 1) {
            throw new IllegalArgumentException("a worker needs at least 1 process, not " + maxProcesses);
        }
        var mounts = CgroupMounts.read(files);
        var passedOver = new ArrayList<String>();
        try {
            return chosen(CgroupV2Limiter.setUp(mounts, files, fs, self, maxProcesses), passedOver);
        } catch (NotUsable e) {
            passedOver.add("not cgroup v2: " + e.getMessage());
        }
        try {
            return chosen(CgroupV1Limiter.setUp(mounts, files, fs, self, maxProcesses), passedOver);
        } catch (NotUsable e) {
            passedOver.add("not cgroup v1: " + e.getMessage());
        }
        try {
            return chosen(RlimitLimiter.setUp(files, maxProcesses), passedOver);
        } catch (NotUsable e) {
            passedOver.add("not rlimits: " + e.getMessage());
        }
        return chosen(new NoLimiter(), passedOver);
    }

    private static WorkerLimits chosen(Limiter limiter, List<String> passedOver) {
        passedOver.forEach(reason -> log.info("worker limits: {}", reason));
        return new WorkerLimits(limiter);
    }

    /** No limits beyond the heap: for {@code --worker-sandbox=off}. */
    public static WorkerLimits none() {
        return new WorkerLimits(new NoLimiter());
    }

    /**
     * The memory limit of a whole worker JVM started with {@code jvmOptions}: its heap (the last
     * {@code -Xmx}; without one, the JVM's own default of a quarter of the machine's memory) plus
     * {@code headroom}, a size such as {@code 512m}.
     */
    public static long memoryFor(List<String> jvmOptions, String headroom) {
        long heap = -1;
        for (String option : jvmOptions) {
            if (option.startsWith("-Xmx")) {
                heap = Sizes.bytes(option.substring(4));
            }
        }
        if (heap < 0) {
            var machine = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            heap = machine.getTotalMemorySize() / 4;
        }
        return Math.addExact(heap, Sizes.bytes(headroom));
    }

    /** "cgroup v2", "cgroup v1", "rlimit" or "none". */
    public String kind() {
        return limiter.kind();
    }

    /** What a worker is held to, and where, in one line for the start-up log. */
    public String describe() {
        return limiter.describe();
    }

    /**
     * A new worker's limits: the host's process limit, and {@code memoryBytes} for the whole worker
     * (its heap, the JVM's own memory, and every process it starts). Start the worker with its
     * {@link Confinement#commandPrefix()}, and close it once the worker has ended.
     *
     * @throws IOException if its cgroup cannot be made; the worker should not start then
     */
    public synchronized Confinement forWorker(long memoryBytes) throws IOException {
        if (closed) {
            throw new IllegalStateException("the worker limits are closed");
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("a worker needs some memory, not " + memoryBytes + " bytes");
        }
        return limiter.forWorker(memoryBytes);
    }

    /** Kills what is left in the workers' cgroups, and removes them and the host's. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            limiter.close();
        }
    }

    /** No limits beyond the heap. */
    private static final class NoLimiter implements Limiter {

        @Override
        public String kind() {
            return "none";
        }

        @Override
        public String describe() {
            return "none: workers are held to their heap alone, with no process or memory limit";
        }

        @Override
        public Confinement forWorker(long memoryBytes) {
            return new PrefixConfinement(List.of());
        }

        @Override
        public void close() {
        }
    }
}
