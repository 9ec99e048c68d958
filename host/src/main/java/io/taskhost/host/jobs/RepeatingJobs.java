package io.taskhost.host.jobs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Jobs that run again and again on one thread of their own, such as the heartbeat or the
 * maintenance of retries, parked tasks and lost peers. A job that fails, with any exception or
 * error, is logged and runs again on its next turn: an executor would never run it again, and
 * say nothing.
 */
public final class RepeatingJobs implements AutoCloseable {

    private final ScheduledExecutorService thread;

    private RepeatingJobs(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    /** Jobs that share one daemon thread named {@code name}: a slow one delays the others. */
    public static RepeatingJobs onThread(String name) {
        return new RepeatingJobs(Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        }));
    }

    /**
     * Runs {@code job} first after {@code firstAfter}, then {@code pause} after each run ends.
     *
     * @param what what the job does, for the log: "moving due retries"
     */
    public void every(Duration firstAfter, Duration pause, String what, Runnable job) {
        thread.scheduleWithFixedDelay(new SurvivingJob(what, pause, job, System::nanoTime), firstAfter.toMillis(),
                pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code job} once, {@code after} from now, on the same thread; it handles its own failures.
     * After {@link #close()} it is dropped.
     */
    public void once(Duration after, Runnable job) {
        try {
            thread.schedule(job, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // Closed: nothing runs any more.
        }
    }

    /** Stops every job; one that is running is interrupted. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
