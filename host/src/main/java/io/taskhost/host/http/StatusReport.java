package io.taskhost.host.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.taskhost.host.classdata.ClassDataStatus;
import io.taskhost.host.plugins.CatalogSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** What {@code /status} shows: who this host is, what it is doing, and the queue as Redis has it. */
final class StatusReport {

    /**
     * @param startedAt  epoch millis, like the times in outcome records
     * @param fetchLoop  what the fetch loop is doing
     * @param sizes      absent while Redis cannot be read; {@code redisError} then says why
     * @param stats      the queue's counters from {@code {queue}:stats}, shared by every host on the queue
     * @param idleWorkers worker JVMs waiting for a task: warm spares, and reuse-mode JVMs between tasks
     * @param classData  how this host's class-data archives for worker JVMs stand
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Status(String host, String queue, long startedAt, long uptimeSeconds, int inFlight, int idleWorkers,
                  String fetchLoop, QueueSizes.Counts sizes, Map<String, Long> stats, String redisError,
                  ClassDataStatus classData, CatalogSnapshot plugins) {
    }

    private final ObservedHost host;
    private final QueueSizes sizes;
    private final Clock clock;

    StatusReport(ObservedHost host, QueueSizes sizes, Clock clock) {
        this.host = host;
        this.sizes = sizes;
        this.clock = clock;
    }

    Status now() {
        QueueSizes.Reading reading = sizes.read();
        return new Status(host.hostId(), host.keys().queue(), host.startedAt().toEpochMilli(),
                Duration.between(host.startedAt(), clock.instant()).toSeconds(), host.tasks().inFlight(),
                host.launcher().idleWorkers(), host.tasks().fetchLoopStatus().detail(), reading.counts(),
                reading.stats(), reading.error(), host.classData().status(), host.catalog().snapshot(host.hostId()));
    }
}
