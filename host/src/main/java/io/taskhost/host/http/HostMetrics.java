package io.taskhost.host.http;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskhost.host.tasks.TaskMetrics;
import java.util.List;

/**
 * One host's meters, in the Prometheus registry that {@code /metrics} shows. On a host of one queue
 * every series carries its queue; on a host of several, each series of one queue's tasks or sizes
 * carries that queue, and the host-wide ones (tasks in flight, idle workers, worker start-up) none.
 */
public final class HostMetrics {

    private final PrometheusMeterRegistry registry;
    private final TaskMeters tasks;

    /** @param queues the host's queues, its first queue first */
    public HostMetrics(List<String> queues) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (queues.size() == 1) {
            registry.config().commonTags("queue", queues.get(0));
        }
        this.tasks = new TaskMeters(registry);
    }

    /** What the task processor reports to. */
    public TaskMetrics tasks() {
        return tasks;
    }

    void bind(MeterBinder meters) {
        meters.bindTo(registry);
    }

    /** Every meter in the Prometheus text exposition format, version 0.0.4. */
    String scrape() {
        return registry.scrape();
    }
}
