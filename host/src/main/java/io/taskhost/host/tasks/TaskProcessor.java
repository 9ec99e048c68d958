package io.taskhost.host.tasks;

import io.taskhost.host.launch.LaunchPlan;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.launch.WorkerRun;
import io.taskhost.host.outcomes.Cause;
import io.taskhost.host.outcomes.Disposition;
import io.taskhost.host.outcomes.Excerpt;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.payload.BadPayloadException;
import io.taskhost.host.payload.Payload;
import io.taskhost.host.payload.PayloadParser;
import io.taskhost.host.plugins.PluginJar;
import io.taskhost.host.plugins.Route;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.plugins.WorkerClass;
import io.taskhost.host.queue.RedisBackoff;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.queue.TaskQueue;
import io.taskhost.host.retries.FailureDisposer;
import io.taskhost.host.retries.FailureDisposer.Disposed;
import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.liveness.RunningTasks;
import io.taskhost.host.payload.TaskEnvelope;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerEnd;
import io.taskhost.worker.WorkerReport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import redis.clients.jedis.exceptions.JedisException;

/** Takes one fetched payload to its recorded outcome: parse, route, run in a worker, dispose, record. */
final class TaskProcessor {

    private static final Logger log = LoggerFactory.getLogger(TaskProcessor.class);

    private final TaskSettings settings;
    private final PayloadParser parser;
    private final Supplier<RoutingTable> routes;
    private final WorkerLauncher launcher;
    private final OutcomeLog outcomes;
    private final FailureDisposer disposer;
    private final TaskQueue queue;
    private final String processingKey;
    private final RunningTasks running;
    private final Clock clock;
    private final TaskMetrics metrics;
    private final Runnable recordFailed;

    /** @param recordFailed told each time recording an outcome fails, before it is tried again */
    TaskProcessor(TaskSettings settings, Supplier<RoutingTable> routes, WorkerLauncher launcher, OutcomeLog outcomes,
                  FailureDisposer disposer, TaskQueue queue, String processingKey, RunningTasks running, Clock clock,
                  TaskMetrics metrics, Runnable recordFailed) {
        this.settings = settings;
        this.parser = new PayloadParser(settings.defaultClass(), settings.maxPayloadBytes(), settings.maxPayloadDepth());
        this.routes = routes;
        this.launcher = launcher;
        this.outcomes = outcomes;
        this.disposer = disposer;
        this.queue = queue;
        this.processingKey = processingKey;
        this.running = running;
        this.clock = clock;
        this.metrics = metrics;
        this.recordFailed = recordFailed;
    }

    /**
     * @param nextTakeId asked once the task has run: the id for a take of the slot's next task from
     *                   this queue, in the round trip of the record, or null for none
     * @return the task that take took, in the processing list already; null when there was none to
     *         take, or no take
     * @throws InterruptedException if the host stopped it; the task is back in the queue
     */
    TaskEntry process(TaskEntry task, long fetchedAt, Supplier<String> nextTakeId) throws InterruptedException {
        String id = task.id();
        byte[] payload = task.payload();
        MDC.put("taskId", id);
        try {
            var attempt = new Attempt(id, fetchedAt);
            Disposed disposed;
            try {
                disposed = run(attempt, payload);
            } catch (RuntimeException e) {
                log.error("task {} hit a taskhost bug; it is dead-lettered so that it is not lost", id, e);
                disposed = disposer.failed(attempt.failed(null, TaskEnvelope.firstRun(payload), null, Cause.HOST_ERROR,
                        "taskhost failed while handling it: " + e), TaskEnvelope.firstRun(payload), 1, false, false);
            }
            return record(task, disposed, nextTakeId.get());
        } catch (InterruptedException e) {
            putBack(task);
            throw e;
        } finally {
            running.finished(id);
            MDC.remove("taskId");
            MDC.remove("plugin");
        }
    }

    private Disposed run(Attempt attempt, byte[] bytes) throws InterruptedException {
        Payload payload;
        try {
            payload = parser.parse(bytes);
        } catch (BadPayloadException e) {
            TaskEnvelope envelope = TaskEnvelope.firstRun(bytes);
            return disposer.failed(attempt.failed(null, envelope, null, Cause.BAD_PAYLOAD, "payload " + e.getMessage()),
                    envelope, 1, false, false);
        }
        TaskEnvelope envelope = payload.envelope();
        RoutingTable table = routes.get();
        Route route = table.route(payload.taskClass()).orElse(null);
        if (route == null) {
            if (isJavaClassName(payload.taskClass())) {
                return disposer.failed(attempt.failed(payload, envelope, null, Cause.UNKNOWN_CLASS, "\""
                        + payload.taskClass() + "\" is a Java class name; a payload can only name a task class that a"
                        + " loaded plugin declares: " + table.classNames()), envelope, 1, false, false);
            }
            if (!settings.parkUnknownFor().isZero()) {
                return new Disposed(null, ParkedTasks.park(attempt.id(), bytes, payload.taskClass(),
                        ParkedTasks.until(clock, settings.parkUnknownFor())));
            }
            return disposer.failed(attempt.failed(payload, envelope, null, Cause.UNKNOWN_CLASS, "no plugin provides class \""
                    + payload.taskClass() + "\"; known classes: " + table.classNames()), envelope, 1, false, false);
        }
        MDC.put("plugin", route.plugin().label());
        WorkerClass.Operation operation = route.worker().operations().get(payload.worker());
        if (operation == null) {
            return disposer.failed(attempt.failed(payload, envelope, route, Cause.UNKNOWN_OPERATION,
                    route.worker().javaClass() + " in " + route.plugin().label() + " has no operation _task_"
                            + payload.worker() + "; its operations: " + route.worker().operations().keySet()),
                    envelope, 1, false, false);
        }
        RunLimits limits = settings.limitsFor(route.plugin().id(), operation.limits());
        var assignment = new TaskAssignment(attempt.id(), envelope.attempt(), payload.taskClass(), payload.worker(),
                route.worker().javaClass(), operation.method(), payload.params(),
                System.currentTimeMillis() + limits.timeout().toMillis(), null);
        WorkerRun run;
        try {
            run = launcher.run(assignment, new LaunchPlan(route.plugin().cachedJar(), limits.jvmOptionsWithHeap(),
                    limits.warmSpares(), limits.tasksPerWorker(), route.worker().javaClass(), limits.network()),
                    limits.timeout(), (pid, launch) -> running.started(attempt.id(), new RunningTasks.RunningTask(pid,
                            System.currentTimeMillis(), launch, payload.taskClass() + "." + payload.worker(),
                            envelope.attempt())));
        } catch (IOException e) {
            OutcomeRecord failed = attempt.failed(payload, envelope, route, Cause.LAUNCH_FAILED,
                    "could not start a worker JVM for " + route.plugin().cachedJar() + ": " + e.getMessage());
            return disposer.failed(failed, envelope, limits.maxAttempts(), false, false);
        }
        if (run.report() != null) {
            metrics.workerStarted(route.plugin().id(),
                    Duration.ofMillis(Math.max(0, run.report().startedAt() - run.assignedAt())));
        }
        OutcomeRecord outcome = attempt.ran(payload, route, operation.method(), run, limits);
        if (outcome.passed()) {
            return FailureDisposer.completed(outcome);
        }
        boolean unrecoverable = run.report() != null && run.report().unrecoverable();
        return disposer.failed(outcome, envelope, limits.maxAttempts(), unrecoverable, false);
    }

    /**
     * Records the outcome, retrying while Redis fails, and takes the slot's next task in the same
     * round trip when {@code nextTakeId} is given. Recording takes the task's own entry off the
     * processing list, so a repeat of a record whose reply was lost finds nothing and writes
     * nothing; a repeat takes nothing, for the take may have run: its entry, which no slot runs, is
     * then an orphan for the host to put back.
     *
     * @return the task taken, or null
     */
    private TaskEntry record(TaskEntry task, Disposed disposed, String nextTakeId) throws InterruptedException {
        OutcomeRecord outcome = disposed.outcome();
        var backoff = new RedisBackoff();
        String takeId = nextTakeId;
        while (true) {
            try {
                boolean written;
                TaskEntry next = null;
                if (takeId == null) {
                    written = outcomes.record(processingKey, task.entry(), outcome, disposed.disposition());
                } else {
                    var recorded = outcomes.recordThen(processingKey, task.entry(), outcome, disposed.disposition(),
                            queue.take(takeId));
                    written = recorded.written();
                    next = queue.taken(takeId, recorded.then()).orElse(null);
                }
                if (!written) {
                    log.warn("task {} was no longer in this host's processing list (recorded by an earlier try whose"
                            + " reply was lost, or recovered by another host); its outcome was not recorded again",
                            MDC.get("taskId"));
                } else if (outcome != null) {
                    metrics.recorded(outcome);
                }
                if (disposed.disposition() instanceof Disposition.Park park) {
                    log.info("task {} parked until {}: no plugin provides its class yet", MDC.get("taskId"),
                            Instant.ofEpochMilli(park.until()));
                } else {
                    logOutcome(outcome);
                }
                return next;
            } catch (JedisException e) {
                recordFailed.run();
                takeId = null;
                long wait = backoff.afterFailure().toMillis();
                log.atLevel(RedisFailures.level(e)).log("cannot record the outcome of task {} ({}); retrying in {} ms",
                        MDC.get("taskId"), RedisConnector.describe(e), wait);
                Thread.sleep(wait);
            }
        }
    }

    private void putBack(TaskEntry task) {
        try {
            queue.putBack(task);
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("could not put an interrupted task back ({}); it stays in the"
                    + " processing list until the next start", RedisConnector.describe(e));
        }
    }

    /** Plugins declare simple names and aliases without dots; a dotted name can only mean a Java class. */
    private static boolean isJavaClassName(String taskClass) {
        return taskClass.indexOf('.') >= 0;
    }

    private static void logOutcome(OutcomeRecord outcome) {
        String task = outcome.worker() == null ? "(unparsed payload)" : outcome.taskClass() + "." + outcome.worker();
        if (outcome.passed()) {
            log.info("task {} {} attempt {} passed in {} ms ({} ms from fetch)", outcome.id(), task, outcome.attempt(),
                    outcome.durationMs(), outcome.totalMs());
        } else {
            log.warn("task {} {} attempt {} failed after {} ms, {}: {}: {}", outcome.id(), task, outcome.attempt(),
                    outcome.totalMs(), outcome.disposition(), outcome.cause().code(), outcome.reason());
        }
    }

    /** One attempt at one task, and the outcome records it can end with. */
    private final class Attempt {

        private final String id;
        private final long fetchedAt;

        Attempt(String id, long fetchedAt) {
            this.id = id;
            this.fetchedAt = fetchedAt;
        }

        String id() {
            return id;
        }

        OutcomeRecord failed(Payload payload, TaskEnvelope envelope, Route route, Cause cause, String reason) {
            return outcome(payload, envelope, route, null, null, cause, reason);
        }

        OutcomeRecord ran(Payload payload, Route route, String method, WorkerRun run, RunLimits limits) {
            WorkerReport report = run.report();
            TaskEnvelope envelope = payload.envelope();
            if (report != null) {
                return outcome(payload, envelope, route, method, run, report.passed() ? null : Cause.EXCEPTION,
                        report.passed() ? null : withLimit(report.error().type() + ": " + report.error().message(), run));
            }
            WorkerEnd end = WorkerEnd.of(run.reportBytes(), run.timedOut(), limits.timeout(), run.exitCode(),
                    run.outputTail(), limits.maxHeap());
            return outcome(payload, envelope, route, method, run, cause(end), withLimit(end.reason(), run));
        }

        /** The reason, with the limit the worker reached in front, since that limit is likely why. */
        private static String withLimit(String reason, WorkerRun run) {
            return run.limitReached() == null ? reason : "the worker " + run.limitReached().replaceFirst("^it ", "")
                    + ": " + reason;
        }

        private static Cause cause(WorkerEnd end) {
            return Cause.ofCode(end.kind().code()).orElseThrow(
                    () -> new IllegalStateException("a worker's end has no cause: " + end.kind()));
        }

        private OutcomeRecord outcome(Payload payload, TaskEnvelope envelope, Route route, String method, WorkerRun run,
                                      Cause cause, String reason) {
            long now = System.currentTimeMillis();
            var record = OutcomeRecord.builder(id, settings.queue(), settings.hostId())
                    .attempt(envelope.attempt(), envelope.history())
                    .method(method)
                    .fetchedAt(fetchedAt)
                    .finishedAt(now)
                    .totalMs(now - fetchedAt);
            if (payload != null) {
                record.task(payload.taskClass(), payload.worker());
            }
            if (route != null) {
                PluginJar plugin = route.plugin();
                record.routedTo(new OutcomeRecord.PluginRef(plugin.id(), plugin.version(), plugin.sha256(),
                        plugin.source().getFileName().toString()), route.worker().javaClass());
            }
            if (run != null) {
                record.process(run.pid(), run.exitCode(), run.launch(), run.sandbox()).startedAt(run.assignedAt());
                if (run.report() != null) {
                    record.reported(run.report());
                }
            }
            return cause == null ? record.passed()
                    : record.failed(cause, Excerpt.of(reason, OutcomeRecord.MAX_REASON_CHARS));
        }
    }
}
