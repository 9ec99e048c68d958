package io.taskhost.host.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * Gauges read when scraped: the sizes from Redis (NaN while Redis cannot be read), this host's
 * running tasks and its waiting worker JVMs.
 */
final class QueueGauges implements MeterBinder {

    private final QueueSizes sizes;
    private final IntSupplier inFlight;
    private final IntSupplier idleWorkers;

    QueueGauges(QueueSizes sizes, IntSupplier inFlight, IntSupplier idleWorkers) {
        this.sizes = sizes;
        this.inFlight = inFlight;
        this.idleWorkers = idleWorkers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        size(registry, "taskhost.queue.depth", "Tasks waiting in the queue", QueueSizes.Counts::queue);
        size(registry, "taskhost.dead.letters", "Tasks in the dead letters", QueueSizes.Counts::dead);
        size(registry, "taskhost.retries.waiting", "Failed tasks waiting for their retry", QueueSizes.Counts::retry);
        size(registry, "taskhost.tasks.parked", "Tasks waiting for a plugin that provides their class",
                QueueSizes.Counts::parked);
        size(registry, "taskhost.delayed.waiting", "Tasks producers delayed, waiting for their due time",
                QueueSizes.Counts::delayed);
        Gauge.builder("taskhost.delayed.oldest.due.seconds", () -> {
                    QueueSizes.Counts counts = sizes.read().counts();
                    return counts == null || counts.delayedOldestDue() == null ? Double.NaN : counts.delayedOldestDue();
                })
                .description("The earliest delayed task's due time, in epoch seconds; NaN when none is delayed")
                .strongReference(true)
                .register(registry);
        Gauge.builder("taskhost.tasks.in.flight", inFlight::getAsInt)
                .description("Tasks this host is running now")
                .strongReference(true)
                .register(registry);
        Gauge.builder("taskhost.idle.workers", idleWorkers::getAsInt)
                .description("Worker JVMs waiting for a task: warm spares, and reuse-mode JVMs between tasks")
                .strongReference(true)
                .register(registry);
    }

    private void size(MeterRegistry registry, String name, String description, ToLongFunction<QueueSizes.Counts> size) {
        Gauge.builder(name, () -> {
                    QueueSizes.Counts counts = sizes.read().counts();
                    return counts == null ? Double.NaN : size.applyAsLong(counts);
                })
                .description(description)
                .strongReference(true)
                .register(registry);
    }
}
