package io.taskhost.host.tasks;

import io.taskhost.host.launch.LaunchPlan;
import io.taskhost.host.launch.TurnsInterrupted;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Takes fetched payloads to their recorded outcomes: parse, route, run in a worker, dispose, record.
 * A slot hands it the tasks it took in one round trip, oldest first; consecutive ones that go to the
 * JVMs of one reuse-mode plugin are handed to a JVM together, written ahead, and all their outcomes
 * are recorded in one round trip, with the take of the slot's next tasks.
 */
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
     * @param tasks       taken together, oldest first
     * @param nextTakeIds asked once the tasks have run, with how many tasks the slot would take next: the
     *                    host's reuse batch when the last task ran in reuse mode, else 1. It answers the ids
     *                    for a take of up to that many from this queue, in the round trip of the records, or
     *                    none for no take
     * @return the tasks that take took, in the processing list already, oldest first; empty when there was
     *         none to take, or no take
     * @throws InterruptedException if the host stopped it; the tasks that ran are recorded if Redis
     *                              answers, the others are back in the queue
     */
    List<TaskEntry> processAll(List<TaskEntry> tasks, long fetchedAt, IntFunction<List<String>> nextTakeIds)
            throws InterruptedException {
        List<Done> done = new ArrayList<>(tasks.size());
        try {
            List<Step> steps = new ArrayList<>(tasks.size());
            for (TaskEntry task : tasks) {
                steps.add(prepare(task, fetchedAt));
            }
            boolean lastReused = false;
            for (int i = 0; i < steps.size(); ) {
                if (steps.get(i) instanceof Ready ready) {
                    List<Ready> group = groupFrom(steps, i);
                    runGroup(group, done);
                    lastReused = ready.plan().tasksPerWorker() > 1;
                    i += group.size();
                } else {
                    done.add((Done) steps.get(i));
                    lastReused = false;
                    i++;
                }
            }
            return record(done, nextTakeIds.apply(lastReused ? settings.reuseBatch() : 1));
        } catch (InterruptedException e) {
            recordOnceAndPutBackTheRest(tasks, done);
            throw e;
        } finally {
            for (TaskEntry task : tasks) {
                running.finished(task.id());
            }
            MDC.remove("taskId");
            MDC.remove("plugin");
        }
    }

    /** What became of a task before or after it ran: its outcome, and what happens to its payload next. */
    private sealed interface Step permits Done, Ready {
    }

    /** A task whose outcome is known, to record. */
    private record Done(TaskEntry task, Disposed disposed, Map<String, String> logContext) implements Step {

        OutcomeLog.Pending pending() {
            return new OutcomeLog.Pending(task.entry(), disposed.outcome(), disposed.disposition());
        }
    }

    /** A task routed to a plugin's operation, to run in a worker JVM of {@code plan}. */
    private record Ready(TaskEntry task, Attempt attempt, Payload payload, Route route, String method,
                         RunLimits limits, LaunchPlan plan, Map<String, String> logContext) implements Step {
    }

    /** {@code steps[from]} and the tasks after it that run in the same reuse-mode JVMs. */
    private static List<Ready> groupFrom(List<Step> steps, int from) {
        Ready first = (Ready) steps.get(from);
        List<Ready> group = new ArrayList<>(List.of(first));
        if (first.plan().tasksPerWorker() == 1) {
            return group;
        }
        for (int i = from + 1; i < steps.size() && steps.get(i) instanceof Ready next
                && next.plan().sharesJvmsWith(first.plan()); i++) {
            group.add(next);
        }
        return group;
    }

    private Step prepare(TaskEntry task, long fetchedAt) {
        MDC.put("taskId", task.id());
        MDC.remove("plugin");
        var attempt = new Attempt(task.id(), fetchedAt);
        try {
            return prepare(task, attempt);
        } catch (RuntimeException e) {
            return hostError(task, attempt, e);
        }
    }

    private Step prepare(TaskEntry task, Attempt attempt) {
        byte[] bytes = task.payload();
        Payload payload;
        try {
            payload = parser.parse(bytes);
        } catch (BadPayloadException e) {
            TaskEnvelope envelope = TaskEnvelope.firstRun(bytes);
            return done(task, disposer.failed(attempt.failed(null, envelope, null, Cause.BAD_PAYLOAD,
                    "payload " + e.getMessage()), envelope, 1, false, false));
        }
        TaskEnvelope envelope = payload.envelope();
        RoutingTable table = routes.get();
        Route route = table.route(payload.taskClass()).orElse(null);
        if (route == null) {
            if (isJavaClassName(payload.taskClass())) {
                return done(task, disposer.failed(attempt.failed(payload, envelope, null, Cause.UNKNOWN_CLASS, "\""
                        + payload.taskClass() + "\" is a Java class name; a payload can only name a task class that a"
                        + " loaded plugin declares: " + table.classNames()), envelope, 1, false, false));
            }
            if (!settings.parkUnknownFor().isZero()) {
                return done(task, new Disposed(null, ParkedTasks.park(attempt.id(), bytes, payload.taskClass(),
                        ParkedTasks.until(clock, settings.parkUnknownFor()))));
            }
            return done(task, disposer.failed(attempt.failed(payload, envelope, null, Cause.UNKNOWN_CLASS,
                    "no plugin provides class \"" + payload.taskClass() + "\"; known classes: " + table.classNames()),
                    envelope, 1, false, false));
        }
        MDC.put("plugin", route.plugin().label());
        WorkerClass.Operation operation = route.worker().operations().get(payload.worker());
        if (operation == null) {
            return done(task, disposer.failed(attempt.failed(payload, envelope, route, Cause.UNKNOWN_OPERATION,
                    route.worker().javaClass() + " in " + route.plugin().label() + " has no operation _task_"
                            + payload.worker() + "; its operations: " + route.worker().operations().keySet()),
                    envelope, 1, false, false));
        }
        RunLimits limits = settings.limitsFor(route.plugin().id(), operation.limits());
        var plan = new LaunchPlan(route.plugin().cachedJar(), limits.jvmOptionsWithHeap(), limits.warmSpares(),
                limits.tasksPerWorker(), route.worker().javaClass(), limits.network());
        return new Ready(task, attempt, payload, route, operation.method(), limits, plan, MDC.getCopyOfContextMap());
    }

    private Done done(TaskEntry task, Disposed disposed) {
        return new Done(task, disposed, MDC.getCopyOfContextMap());
    }

    private Done hostError(TaskEntry task, Attempt attempt, RuntimeException e) {
        log.error("task {} hit a taskhost bug; it is dead-lettered so that it is not lost", task.id(), e);
        TaskEnvelope envelope = TaskEnvelope.firstRun(task.payload());
        return done(task, disposer.failed(attempt.failed(null, envelope, null, Cause.HOST_ERROR,
                "taskhost failed while handling it: " + e), envelope, 1, false, false));
    }

    /**
     * Runs {@code group} in worker JVMs of its plan, in order. A JVM that dies or times out ends its
     * run; the tasks written after it never started, and run in the next JVM.
     */
    private void runGroup(List<Ready> group, List<Done> done) throws InterruptedException {
        int next = 0;
        while (next < group.size()) {
            List<Ready> rest = group.subList(next, group.size());
            Ready first = rest.get(0);
            List<WorkerRun> runs;
            try {
                runs = launcher.runInTurn(rest.stream().map(this::turn).toList(), first.plan());
            } catch (TurnsInterrupted e) {
                addRuns(rest, e.ran(), done);
                throw e;
            } catch (IOException e) {
                useLogContext(first.logContext());
                TaskEnvelope envelope = first.payload().envelope();
                OutcomeRecord failed = first.attempt().failed(first.payload(), envelope, first.route(),
                        Cause.LAUNCH_FAILED, "could not start a worker JVM for " + first.route().plugin().cachedJar()
                                + ": " + e.getMessage());
                done.add(done(first.task(), disposer.failed(failed, envelope, first.limits().maxAttempts(), false,
                        false)));
                next++;
                continue;
            } catch (RuntimeException e) {
                useLogContext(first.logContext());
                done.add(hostError(first.task(), first.attempt(), e));
                next++;
                continue;
            }
            addRuns(rest, runs, done);
            next += runs.size();
        }
    }

    private void addRuns(List<Ready> turns, List<WorkerRun> runs, List<Done> done) {
        for (int k = 0; k < runs.size(); k++) {
            Ready ready = turns.get(k);
            useLogContext(ready.logContext());
            done.add(done(ready.task(), ran(ready, runs.get(k))));
        }
    }

    private WorkerLauncher.Turn turn(Ready ready) {
        Payload payload = ready.payload();
        var assignment = new TaskAssignment(ready.attempt().id(), payload.envelope().attempt(), payload.taskClass(),
                payload.worker(), ready.route().worker().javaClass(), ready.method(), payload.params(),
                System.currentTimeMillis() + ready.limits().timeout().toMillis(), null);
        return new WorkerLauncher.Turn(assignment, ready.limits().timeout(),
                (pid, launch) -> running.started(ready.attempt().id(), new RunningTasks.RunningTask(pid,
                        System.currentTimeMillis(), launch, payload.taskClass() + "." + payload.worker(),
                        payload.envelope().attempt())), ready.logContext());
    }

    private Disposed ran(Ready ready, WorkerRun run) {
        try {
            if (run.report() != null) {
                metrics.workerStarted(ready.route().plugin().id(),
                        Duration.ofMillis(Math.max(0, run.report().startedAt() - run.assignedAt())));
            }
            OutcomeRecord outcome = ready.attempt().ran(ready.payload(), ready.route(), ready.method(), run,
                    ready.limits());
            if (outcome.passed()) {
                return FailureDisposer.completed(outcome);
            }
            boolean unrecoverable = run.report() != null && run.report().unrecoverable();
            return disposer.failed(outcome, ready.payload().envelope(), ready.limits().maxAttempts(), unrecoverable,
                    false);
        } catch (RuntimeException e) {
            return hostError(ready.task(), ready.attempt(), e).disposed();
        }
    }

    /**
     * Records the outcomes, and takes the slot's next tasks in the same round trip when {@code takeIds}
     * has any. Recording takes each task's own entry off the processing list, so a repeat of a record
     * whose reply was lost finds nothing and writes nothing. When the round trip fails, each outcome is
     * recorded again on its own, retrying while Redis fails, and nothing is taken: the take may have run,
     * and its entries, which no slot runs, are then orphans for the host to put back.
     *
     * @return the tasks taken, oldest first
     */
    private List<TaskEntry> record(List<Done> done, List<String> takeIds) throws InterruptedException {
        List<OutcomeLog.Pending> pending = done.stream().map(Done::pending).toList();
        try {
            var recorded = outcomes.recordThen(processingKey, pending, takeIds.isEmpty() ? null : queue.take(takeIds));
            for (int i = 0; i < done.size(); i++) {
                recorded(done.get(i), recorded.written().get(i));
            }
            return queue.taken(takeIds, recorded.then());
        } catch (JedisException e) {
            recordFailed.run();
            log.atLevel(RedisFailures.level(e)).log("cannot record the outcomes of {} task(s) ({}); retrying each",
                    done.size(), RedisConnector.describe(e));
        }
        for (Done each : done) {
            recordAlone(each);
        }
        return List.of();
    }

    private void recordAlone(Done done) throws InterruptedException {
        useLogContext(done.logContext());
        var backoff = new RedisBackoff();
        while (true) {
            try {
                recorded(done, outcomes.record(processingKey, done.task().entry(), done.disposed().outcome(),
                        done.disposed().disposition()));
                return;
            } catch (JedisException e) {
                recordFailed.run();
                long wait = backoff.afterFailure().toMillis();
                log.atLevel(RedisFailures.level(e)).log("cannot record the outcome of task {} ({}); retrying in {} ms",
                        done.task().id(), RedisConnector.describe(e), wait);
                Thread.sleep(wait);
            }
        }
    }

    private void recorded(Done done, boolean written) {
        useLogContext(done.logContext());
        OutcomeRecord outcome = done.disposed().outcome();
        if (!written) {
            log.warn("task {} was no longer in this host's processing list (recorded by an earlier try whose"
                    + " reply was lost, or recovered by another host); its outcome was not recorded again",
                    done.task().id());
        } else if (outcome != null) {
            metrics.recorded(outcome);
        }
        if (done.disposed().disposition() instanceof Disposition.Park park) {
            log.info("task {} parked until {}: no plugin provides its class yet", done.task().id(),
                    Instant.ofEpochMilli(park.until()));
        } else {
            logOutcome(outcome);
        }
    }

    /**
     * The host is stopping: what ran is recorded, once, and what did not goes back to the queue; when
     * Redis fails either, the tasks stay in the processing list until the host's next start.
     */
    private void recordOnceAndPutBackTheRest(List<TaskEntry> tasks, List<Done> done) {
        Set<String> ran = new HashSet<>();
        try {
            if (!done.isEmpty()) {
                outcomes.recordThen(processingKey, done.stream().map(Done::pending).toList(), null);
            }
            done.forEach(each -> ran.add(each.task().id()));
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("could not record {} task(s) that ran as the host stopped ({}); they"
                    + " stay in the processing list until the next start", done.size(), RedisConnector.describe(e));
            return;
        }
        for (TaskEntry task : tasks) {
            if (!ran.contains(task.id())) {
                putBack(task);
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

    private static void useLogContext(Map<String, String> context) {
        MDC.clear();
        if (context != null) {
            MDC.setContextMap(context);
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
