package io.taskhost.host.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.tasks.TaskMetrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Task counters and timers in a Micrometer registry. Only names the routing table vouched for
 * become label values: a task routed to no plugin counts under plugin {@code none}, one that
 * reached no operation under operation {@code none}, so producers cannot create new time series by
 * making up class or worker names.
 */
final class TaskMeters implements TaskMetrics {

    static final String NONE = "none";

    private static final long MINUTE = 60_000;
    private static final Duration[] OPERATION_BUCKETS = millis(10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE);
    /** The worker JVM's start-up is part of it, so little ends below 100 ms. */
    private static final Duration[] TURNAROUND_BUCKETS = millis(100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000,
            MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE);
    private static final Duration[] STARTUP_BUCKETS = millis(50, 100, 150, 200, 300, 500, 750, 1_000, 2_000, 5_000,
            10_000);

    private final MeterRegistry registry;

    TaskMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void workerStarted(String pluginId, Duration startup) {
        Timer.builder("taskhost.worker.startup")
                .description("From spawning a worker JVM to its operation starting")
                .tag("plugin", pluginId)
                .serviceLevelObjectives(STARTUP_BUCKETS)
                .register(registry)
                .record(startup);
    }

    @Override
    public void recorded(OutcomeRecord outcome) {
        String plugin = outcome.plugin() == null ? NONE : outcome.plugin().id();
        String operation = outcome.method() == null ? NONE : outcome.taskClass() + "." + outcome.worker();
        String result = outcome.passed() ? OutcomeRecord.PASSED : outcome.cause().code();
        String queue = outcome.queue();
        if (outcome.durationMs() != null) {
            Timer.builder("taskhost.operation.duration")
                    .description("Time inside the operation, in the worker JVM")
                    .tags("queue", queue, "plugin", plugin, "operation", operation, "outcome", result)
                    .serviceLevelObjectives(OPERATION_BUCKETS)
                    .register(registry)
                    .record(Duration.ofMillis(outcome.durationMs()));
        }
        if (outcome.totalMs() != null) {
            Timer.builder("taskhost.task.turnaround")
                    .description("From fetching the task to recording its outcome, the worker JVM's start included")
                    .tags("queue", queue, "plugin", plugin, "operation", operation, "outcome", result)
                    .serviceLevelObjectives(TURNAROUND_BUCKETS)
                    .register(registry)
                    .record(Duration.ofMillis(outcome.totalMs()));
        }
        // Counted last, so that a scrape which sees the outcome counted sees its timings too.
        Counter.builder("taskhost.tasks")
                .description("Task outcomes recorded by this host: passed or the failure's cause, and what became of"
                        + " the task")
                .tags("queue", queue, "plugin", plugin, "operation", operation, "outcome", result, "disposition",
                        Objects.requireNonNullElse(outcome.disposition(), NONE))
                .register(registry)
                .increment();
    }

    private static Duration[] millis(long... bounds) {
        return Arrays.stream(bounds).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    }
}
