package io.taskhost.host.http;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.taskhost.host.tasks.TaskMetrics;

/** One host's meters, in the Prometheus registry that {@code /metrics} shows; every series carries its queue. */
public final class HostMetrics {

    private final PrometheusMeterRegistry registry;
    private final TaskMeters tasks;

    public HostMetrics(String queue) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("queue", queue);
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
