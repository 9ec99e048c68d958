package io.taskhost.worker;

import java.time.Instant;
import java.util.Optional;

/**
 * A process as a pid and the time it started, which together name it even after the pid has gone
 * to another process. The host records its own, in its heartbeat and in its scratch directory's
 * name, and asks later whether the process so named still runs. A worker JVM never loads this class.
 *
 * @param startMillis epoch millis of its start, or 0 where the platform does not tell
 */
public record ProcessIdentity(long pid, long startMillis) {

    /** This JVM's process. */
    public static ProcessIdentity current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessIdentity(self.pid(), startMillis(self).orElse(0L));
    }

    /**
     * Whether the process so named still runs: its pid is alive, and started at the recorded time
     * where both times are known. When either is unknown, a live pid counts as running, so that
     * nothing is taken for dead that might not be.
     */
    public boolean isRunning() {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<Long> started = startMillis(process.get());
        return startMillis == 0 || started.isEmpty() || started.get() == startMillis;
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }
}
