package io.taskhost.worker;

import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Halts a worker whose host went away, since a worker must not outlive it. It polls the parent
 * rather than blocking on stdin, because a thread blocked in a native read delays every JVM
 * exit by about 300 ms. The first parent lookup initializes ProcessHandle, about 8 ms on JDK 17,
 * so the watchdog thread makes it rather than the thread that runs the task. It is a class
 * rather than a lambda because a worker's first lambda costs it generated classes.
 */
final class HostWatchdog implements Runnable {

    private final long checkNanos;
    private final int exitCode;

    HostWatchdog(long checkNanos, int exitCode) {
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
        long hostPid = parentPid(-1);
        while (parentPid(-2) == hostPid) {
            LockSupport.parkNanos(checkNanos);
        }
        Runtime.getRuntime().halt(exitCode);
    }

    private static long parentPid(long whenNone) {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        return parent.isPresent() ? parent.get().pid() : whenNone;
    }
}
