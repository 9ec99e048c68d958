package io.taskhost.host.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.taskhost.host.classdata.ClassDataStatus;
import io.taskhost.host.plugins.CatalogSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
     * @param queue      the host's first queue, which {@code sizes}, {@code stats} and {@code redisError} are of
     * @param queues     each of the host's queues, in the order it was given
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Status(String host, String queue, long startedAt, long uptimeSeconds, int inFlight, int idleWorkers,
                  String fetchLoop, QueueSizes.Counts sizes, Map<String, Long> stats, String redisError,
                  ClassDataStatus classData, CatalogSnapshot plugins, List<QueueReport> queues) {
    }

    /** One queue of the host: {@code paused} as the fetcher last saw. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record QueueReport(String queue, boolean paused, QueueSizes.Counts sizes, Map<String, Long> stats,
                       String redisError) {
    }

    private final ObservedHost host;
    private final List<QueueSizes> sizes;
    private final Clock clock;

    /** @param sizes one per queue of the host, its first queue first */
    StatusReport(ObservedHost host, List<QueueSizes> sizes, Clock clock) {
        this.host = host;
        this.sizes = sizes;
        this.clock = clock;
    }

    Status now() {
        List<QueueReport> queues = sizes.stream().map(this::report).toList();
        QueueReport first = queues.get(0);
        return new Status(host.hostId(), first.queue(), host.startedAt().toEpochMilli(),
                Duration.between(host.startedAt(), clock.instant()).toSeconds(), host.tasks().inFlight(),
                host.launcher().idleWorkers(), host.tasks().fetchLoopStatus().detail(), first.sizes(),
                first.stats(), first.redisError(), host.classData().status(), host.catalog().snapshot(host.hostId()),
                queues);
    }

    private QueueReport report(QueueSizes queue) {
        QueueSizes.Reading reading = queue.read();
        return new QueueReport(queue.queue(), host.tasks().isPaused(queue.queue()), reading.counts(), reading.stats(),
                reading.error());
    }
}
