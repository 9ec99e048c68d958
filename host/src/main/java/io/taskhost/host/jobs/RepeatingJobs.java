package io.taskhost.host.jobs;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Jobs that run again and again on one thread of their own, such as the heartbeat or the
 * maintenance of retries, parked tasks and lost peers. A job that fails, with any exception or
 * error, is logged and runs again on its next turn: an executor would never run it again, and
 * say nothing.
 */
public final class RepeatingJobs implements AutoCloseable {

    private final ScheduledExecutorService thread;
    /** The jobs of {@link #every}, by first delay and pause in milliseconds. */
    private final Map<List<Long>, List<SurvivingJob>> turns = new HashMap<>();

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
     * Runs {@code job} first after {@code firstAfter}, then {@code pause} after each run ends. Jobs given
     * the same first delay and pause take their turns together, one after the other, so that the thread
     * wakes once for all of them: an idle host's wake-ups cost more than its jobs' work. A job that joins
     * such jobs after their first turn runs first at their next.
     *
     * @param what what the job does, for the log: "moving due retries"
     */
    public void every(Duration firstAfter, Duration pause, String what, Runnable job) {
        var surviving = new SurvivingJob(what, pause, job, System::nanoTime);
        synchronized (turns) {
            List<Long> key = List.of(firstAfter.toMillis(), pause.toMillis());
            List<SurvivingJob> turn = turns.get(key);
            if (turn != null) {
                turn.add(surviving);
                return;
            }
            List<SurvivingJob> jobs = new CopyOnWriteArrayList<>(List.of(surviving));
            turns.put(key, jobs);
            thread.scheduleWithFixedDelay(() -> jobs.forEach(SurvivingJob::run), firstAfter.toMillis(),
                    pause.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Runs {@code job} first after {@code firstAfter}, then again after the pause each run returns,
     * or after {@code afterFailure} when a run fails: for a job that knows when it next has work.
     *
     * @param what what the job does, for the log: "dead-lettering parked tasks whose wait is over"
     */
    public void untilDue(Duration firstAfter, Duration afterFailure, String what, Supplier<Duration> job) {
        new PausingJob(afterFailure, what, job).scheduleAfter(firstAfter);
    }

    /** A job that schedules its own next run after the pause it returned. */
    private final class PausingJob implements Runnable {

        private final Duration afterFailure;
        private final Supplier<Duration> job;
        private final SurvivingJob surviving;
        private Duration next;

        PausingJob(Duration afterFailure, String what, Supplier<Duration> job) {
            this.afterFailure = afterFailure;
            this.job = job;
            this.surviving = new SurvivingJob(what, afterFailure, () -> next = job.get(), System::nanoTime);
        }

        @Override
        public void run() {
            next = afterFailure;
            surviving.run();
            scheduleAfter(next);
        }

        void scheduleAfter(Duration pause) {
            try {
                thread.schedule(this, Math.max(0, pause.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                // The jobs were stopped: no next run.
            }
        }
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
