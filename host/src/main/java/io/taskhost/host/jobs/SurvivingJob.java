package io.taskhost.host.jobs;

import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A run of a repeating job that never lets a failure escape. The first failure of a streak is
 * logged with its stack trace, or as a one-line warning when it is a Redis outage; a job failing
 * every second then logs once a minute, with the count, and once more when it works again.
 */
final class SurvivingJob implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SurvivingJob.class);
    private static final Duration QUIET = Duration.ofMinutes(1);

    private final String what;
    private final Duration pause;
    private final Runnable job;
    private final LongSupplier nanoClock;
    private int failures;
    private long lastLogged;

    SurvivingJob(String what, Duration pause, Runnable job, LongSupplier nanoClock) {
        this.what = what;
        this.pause = pause;
        this.job = job;
        this.nanoClock = nanoClock;
    }

    @Override
    public void run() {
        try {
            job.run();
            if (failures > 0) {
                log.info("{} works again after {} failed run(s)", what, failures);
                failures = 0;
            }
        } catch (Throwable failure) {
            // Errors too: a LinkageError or a StackOverflowError in one run must not end the job for good.
            failures++;
            long now = nanoClock.getAsLong();
            boolean outage = RedisFailures.isOutage(failure);
            if (failures == 1 && outage) {
                // Redis out of reach or failing over is no bug: why, in one line, without a stack trace.
                log.warn("{} failed: Redis is out of reach or failing over ({}); it runs again in {}", what,
                        RedisConnector.describe(failure), pause);
                lastLogged = now;
            } else if (failures == 1) {
                log.error("{} failed; it runs again in {}", what, pause, failure);
                lastLogged = now;
            } else if (now - lastLogged >= QUIET.toNanos()) {
                log.atLevel(outage ? Level.WARN : Level.ERROR).log("{} failed again, {} runs in a row; the latest: {}",
                        what, failures, outage ? RedisConnector.describe(failure) : failure.toString());
                lastLogged = now;
            }
        }
    }
}
