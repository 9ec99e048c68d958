package io.taskhost.worker;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * Halts a worker whose host went away, since a worker must not outlive it, and takes the
 * worker's process group with it, so that the processes a task started die too. The host is
 * the pid given with {@code --host-pid}: a host that died before this watchdog first looked is
 * seen as gone, because the worker was then already reparented. Without it, the parent at the
 * first look is taken for the host.
 *
 * <p>It polls the parent rather than blocking on stdin, because a thread blocked in a native read
 * delays every JVM exit by about 300 ms. It looks often only while a task runs: a worker waiting for
 * its task reads stdin, whose end tells it at once that its host went away, so there the watchdog is a
 * backstop that looks seldom and leaves the waiting JVM asleep. Its thread makes the first lookup too,
 * off the task's path. It is a class rather than a lambda because a worker's first lambda costs it
 * generated classes.
 *
 * <p>A task's start wakes the watchdog only from its long pause. A reused worker in a burst starts
 * tasks far more often than the running cadence: waking the watchdog for each cost a thread wake-up
 * and a read of {@code /proc/self/stat} per task, a third of such a worker's CPU. So the watchdog keeps
 * the running cadence while a task runs or one has started since its last look, and takes the long
 * pause only after a look that saw neither; a task that starts meanwhile finds it in its running
 * cadence, which already bounds how late it sees its host gone.
 */
final class HostWatchdog implements Runnable {

    private final ProcessIds ids;
    private final long hostPid;
    private final long runningCheckNanos;
    private final long waitingCheckNanos;
    private final int exitCode;
    private volatile boolean taskRunning;
    /** Tasks started so far; only the worker's main thread writes it. */
    private volatile long starts;
    /** Whether the watchdog is in, or about to take, its long pause, and needs waking for a task. */
    private volatile boolean longPause;
    private volatile Thread thread;

    /**
     * @param hostPid           the host's pid, or 0 to take the parent at the first look for the host
     * @param runningCheckNanos the pause between looks while a task runs
     * @param waitingCheckNanos the pause between looks while the worker waits for a task
     */
    HostWatchdog(ProcessIds ids, long hostPid, long runningCheckNanos, long waitingCheckNanos, int exitCode) {
        this.ids = ids;
        this.hostPid = hostPid;
        this.runningCheckNanos = runningCheckNanos;
        this.waitingCheckNanos = waitingCheckNanos;
        this.exitCode = exitCode;
    }

    Thread start() {
        Thread watchdog = new Thread(this, "host-watchdog");
        watchdog.setDaemon(true);
        thread = watchdog;
        watchdog.start();
        return watchdog;
    }

    /**
     * A task starts: from the long pause, the watchdog looks at the host now; either way it looks at
     * the running cadence until the task has ended.
     */
    void taskStarts() {
        taskRunning = true;
        starts = starts + 1; // one writer: no lost update
        // Read after the writes above: either the watchdog sees them before it parks long, or this sees it.
        if (longPause) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The task ended and the worker reads its input again; the watchdog takes the long pause after its
     * next look, unless another task has started by then.
     */
    void taskEnded() {
        taskRunning = false;
    }

    /** Whether the watchdog is in its long pause, the one a task's start wakes it from. */
    boolean inLongPause() {
        return longPause;
    }

    @Override
    public void run() {
        long host = hostPid > 0 ? hostPid : ids.parentPid(-1);
        long seen = starts;
        while (ids.parentPid(-2) == host) {
            long started = starts;
            if (taskRunning || started != seen) {
                seen = started;
                LockSupport.parkNanos(runningCheckNanos);
                continue;
            }
            longPause = true;
            if (!taskRunning && starts == seen) {
                LockSupport.parkNanos(waitingCheckNanos);
            }
            longPause = false;
        }
        killOwnGroup();
        Runtime.getRuntime().halt(exitCode);
    }

    /**
     * SIGKILL to every process in this worker's group, if the worker leads one of its own (as
     * under {@code setsid}); the signal reaches the worker too, unless it halts first.
     */
    private void killOwnGroup() {
        long pid = ids.pid();
        if (ids.groupId() != pid) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + pid).start();
        } catch (IOException | RuntimeException e) {
            // No kill command: the worker halts alone.
        }
    }
}
