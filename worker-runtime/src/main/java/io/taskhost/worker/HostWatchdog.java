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
 * delays every JVM exit by about 300 ms. Its thread makes the first lookup too, off the task's
 * path. It is a class rather than a lambda because a worker's first lambda costs it generated classes.
 */
final class HostWatchdog implements Runnable {

    private final ProcessIds ids;
    private final long hostPid;
    private final long checkNanos;
    private final int exitCode;

    /** @param hostPid the host's pid, or 0 to take the parent at the first look for the host */
    HostWatchdog(ProcessIds ids, long hostPid, long checkNanos, int exitCode) {
        this.ids = ids;
        this.hostPid = hostPid;
        this.checkNanos = checkNanos;
        this.exitCode = exitCode;
    }

    void start() {
        Thread watchdog = new Thread(this, "host-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @Override
    public void run() {
        long host = hostPid > 0 ? hostPid : ids.parentPid(-1);
        while (ids.parentPid(-2) == host) {
            LockSupport.parkNanos(checkNanos);
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
