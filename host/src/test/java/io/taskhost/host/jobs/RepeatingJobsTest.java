package io.taskhost.host.jobs;

import io.taskhost.host.testing.Eventually;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RepeatingJobsTest {

    @Test
    void aJobThatThrowsAnythingRunsAgainOnItsNextTurn() {
        var runs = new AtomicInteger();
        try (var jobs = RepeatingJobs.onThread("test-jobs")) {
            jobs.every(Duration.ZERO, Duration.ofMillis(10), "failing on purpose", () -> {
                switch (runs.incrementAndGet()) {
                    case 1 -> throw new IllegalStateException("not a Redis exception");
                    case 2 -> throw new StackOverflowError("an error, even");
                    case 3 -> throw new NullPointerException();
                    default -> { }
                }
            });
            Eventually.within(Duration.ofSeconds(30), "the job to run after three failures", () -> runs.get() >= 5);
        }
    }
}
