package io.taskhost.worker;

import java.util.concurrent.locks.LockSupport;

/**
 * Halts a worker whose host went away, since a worker must not outlive it. It polls the parent
 * rather than blocking on stdin, because a thread blocked in a native read delays every JVM
 * exit by about 300 ms. Its thread makes the first lookup too, off the task's path. It is a
 * class rather than a lambda because a worker's first lambda costs it generated classes.
 */
final class HostWatchdog implements Runnable {

    private final ProcessIds ids;
    private final long checkNanos;
    private final int exitCode;

    HostWatchdog(ProcessIds ids, long checkNanos, int exitCode) {
        this.ids = ids;
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
        long hostPid = ids.parentPid(-1);
        while (ids.parentPid(-2) == hostPid) {
            LockSupport.parkNanos(checkNanos);
        }
        Runtime.getRuntime().halt(exitCode);
    }
}
