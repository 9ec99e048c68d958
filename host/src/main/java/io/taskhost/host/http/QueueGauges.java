package io.taskhost.host.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * Gauges read when scraped: the sizes from Redis (NaN while Redis cannot be read), this host's
 * running tasks and its waiting worker JVMs.
 */
final class QueueGauges implements MeterBinder {

    private final List<QueueSizes> sizes;
    private final IntSupplier inFlight;
    private final IntSupplier idleWorkers;

    /** @param sizes one per queue of the host */
    QueueGauges(List<QueueSizes> sizes, IntSupplier inFlight, IntSupplier idleWorkers) {
        this.sizes = sizes;
        this.inFlight = inFlight;
        this.idleWorkers = idleWorkers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (QueueSizes queue : sizes) {
            size(registry, queue, "taskhost.queue.depth", "Tasks waiting in the queue", QueueSizes.Counts::queue);
            size(registry, queue, "taskhost.dead.letters", "Tasks in the dead letters", QueueSizes.Counts::dead);
            size(registry, queue, "taskhost.retries.waiting", "Failed tasks waiting for their retry",
                    QueueSizes.Counts::retry);
            size(registry, queue, "taskhost.tasks.parked", "Tasks waiting for a plugin that provides their class",
                    QueueSizes.Counts::parked);
            size(registry, queue, "taskhost.delayed.waiting", "Tasks producers delayed, waiting for their due time",
                    QueueSizes.Counts::delayed);
            Gauge.builder("taskhost.delayed.oldest.due.seconds", () -> {
                        QueueSizes.Counts counts = queue.read().counts();
                        return counts == null || counts.delayedOldestDue() == null ? Double.NaN
                                : counts.delayedOldestDue();
                    })
                    .description("The earliest delayed task's due time, in epoch seconds; NaN when none is delayed")
                    .tag("queue", queue.queue())
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("taskhost.tasks.in.flight", inFlight::getAsInt)
                .description("Tasks this host is running now")
                .strongReference(true)
                .register(registry);
        Gauge.builder("taskhost.idle.workers", idleWorkers::getAsInt)
                .description("Worker JVMs waiting for a task: warm spares, and reuse-mode JVMs between tasks")
                .strongReference(true)
                .register(registry);
    }

    private void size(MeterRegistry registry, QueueSizes sizes, String name, String description,
                      ToLongFunction<QueueSizes.Counts> size) {
        Gauge.builder(name, () -> {
                    QueueSizes.Counts counts = sizes.read().counts();
                    return counts == null ? Double.NaN : size.applyAsLong(counts);
                })
                .description(description)
                .tag("queue", sizes.queue())
                .strongReference(true)
                .register(registry);
    }
}
