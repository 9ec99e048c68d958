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
 */
final class HostWatchdog implements Runnable {

    private final ProcessIds ids;
    private final long hostPid;
    private final long runningCheckNanos;
    private final long waitingCheckNanos;
    private final int exitCode;
    private volatile boolean taskRunning;
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

    /** A task starts: look at the host now, then at the running cadence until it ends. */
    void taskStarts() {
        taskRunning = true;
        LockSupport.unpark(thread);
    }

    /** The task ended and the worker reads its input again; the next pause is the waiting one. */
    void taskEnded() {
        taskRunning = false;
    }

    @Override
    public void run() {
        long host = hostPid > 0 ? hostPid : ids.parentPid(-1);
        while (ids.parentPid(-2) == host) {
            LockSupport.parkNanos(taskRunning ? runningCheckNanos : waitingCheckNanos);
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
