package io.taskhost.host.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskhost.host.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    @Test
    void jobsOfOnePeriodTakeTheirTurnsTogetherInOrderAndOneFailingDoesNotStopTheOther() {
        List<String> runs = new CopyOnWriteArrayList<>();
        try (var jobs = RepeatingJobs.onThread("test-jobs")) {
            jobs.every(Duration.ZERO, Duration.ofMillis(10), "failing on purpose", () -> {
                runs.add("failing");
                throw new IllegalStateException("on purpose");
            });
            jobs.every(Duration.ZERO, Duration.ofMillis(10), "working", () -> runs.add("working"));

            Eventually.within(Duration.ofSeconds(30), "ten turns of both", () -> runs.stream()
                    .filter("working"::equals).count() >= 10);
        }
        // A job that joins after the first turn runs first at the next: the turns start at its first run.
        List<String> all = List.copyOf(runs);
        List<String> turns = all.subList(all.indexOf("working") + 1, all.size());
        for (int i = 0; i + 1 < turns.size(); i += 2) {
            assertEquals(List.of("failing", "working"), turns.subList(i, i + 2), "turn " + i / 2 + " of " + turns);
        }
    }

    @Test
    void aJobThatSaysWhenItNextHasWorkRunsThenAndNotBefore() {
        var pausing = new AtomicInteger();
        var ticking = new AtomicInteger();
        try (var jobs = RepeatingJobs.onThread("test-jobs")) {
            jobs.untilDue(Duration.ZERO, Duration.ofMillis(10), "pausing", () -> pausing.incrementAndGet() < 3
                    ? Duration.ZERO : Duration.ofHours(1));
            jobs.every(Duration.ZERO, Duration.ofMillis(5), "ticking", ticking::incrementAndGet);

            Eventually.within(Duration.ofSeconds(30), "many turns of the other job", () -> ticking.get() >= 40);
            assertEquals(3, pausing.get(), "twice at once, then a pause of an hour");
        }
    }

    @Test
    void aJobThatSaysWhenItNextHasWorkAndThrowsRunsAgainAfterTheFailurePause() {
        var runs = new AtomicInteger();
        try (var jobs = RepeatingJobs.onThread("test-jobs")) {
            jobs.untilDue(Duration.ZERO, Duration.ofMillis(10), "failing on purpose", () -> {
                if (runs.incrementAndGet() < 3) {
                    throw new IllegalStateException("not a Redis exception");
                }
                return Duration.ofHours(1);
            });
            Eventually.within(Duration.ofSeconds(30), "the job to run after two failures", () -> runs.get() == 3);
        }
    }
}
