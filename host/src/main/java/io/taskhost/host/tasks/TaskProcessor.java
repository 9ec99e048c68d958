package io.taskhost.host.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.launch.WorkerRun;
import io.taskhost.host.outcomes.Cause;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.outcomes.OutcomeRecord;
import io.taskhost.host.plugins.PluginJar;
import io.taskhost.host.plugins.Route;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.queue.TaskQueue;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerReport;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import redis.clients.jedis.exceptions.JedisException;

/** Takes one fetched payload to its recorded outcome: parse, route, run in a worker, record. */
final class TaskProcessor {

    private static final Logger log = LoggerFactory.getLogger(TaskProcessor.class);
    private static final Duration RECORD_RETRY_MAX = Duration.ofSeconds(5);

    private final TaskSettings settings;
    private final PayloadParser parser;
    private final Supplier<RoutingTable> routes;
    private final WorkerLauncher launcher;
    private final OutcomeLog outcomes;
    private final TaskQueue queue;

    TaskProcessor(TaskSettings settings, ObjectMapper mapper, Supplier<RoutingTable> routes, WorkerLauncher launcher,
                  OutcomeLog outcomes, TaskQueue queue) {
        this.settings = settings;
        this.parser = new PayloadParser(mapper, settings.defaultClass());
        this.routes = routes;
        this.launcher = launcher;
        this.outcomes = outcomes;
        this.queue = queue;
    }

    /** @throws InterruptedException if the host stopped it; the payload is back in the queue */
    void process(byte[] payload, long fetchedAt) throws InterruptedException {
        String id = UUID.randomUUID().toString();
        MDC.put("taskId", id);
        try {
            var attempt = new Attempt(id, fetchedAt);
            OutcomeRecord outcome;
            try {
                outcome = outcomeOf(attempt, payload);
            } catch (RuntimeException e) {
                log.error("task {} hit a taskhost bug; it is dead-lettered so that it is not lost", id, e);
                outcome = attempt.failed(null, null, Cause.HOST_ERROR, "taskhost failed while handling it: " + e);
            }
            record(payload, outcome);
        } catch (InterruptedException e) {
            putBack(payload);
            throw e;
        } finally {
            MDC.remove("taskId");
            MDC.remove("plugin");
        }
    }

    private OutcomeRecord outcomeOf(Attempt attempt, byte[] bytes) throws InterruptedException {
        Payload payload;
        try {
            payload = parser.parse(bytes);
        } catch (BadPayloadException e) {
            return attempt.failed(null, null, Cause.BAD_PAYLOAD, "payload " + e.getMessage());
        }
        RoutingTable table = routes.get();
        Route route = table.route(payload.taskClass()).orElse(null);
        if (route == null) {
            return attempt.failed(payload, null, Cause.UNKNOWN_CLASS, "no plugin provides class \""
                    + payload.taskClass() + "\"; known classes: " + table.classNames());
        }
        MDC.put("plugin", route.plugin().label());
        String method = route.worker().operations().get(payload.worker());
        if (method == null) {
            return attempt.failed(payload, route, Cause.UNKNOWN_OPERATION, route.worker().javaClass() + " in "
                    + route.plugin().label() + " has no operation _task_" + payload.worker() + "; its operations: "
                    + route.worker().operations().keySet());
        }
        var assignment = new TaskAssignment(attempt.id(), 1, payload.taskClass(), payload.worker(),
                route.worker().javaClass(), method, payload.params(),
                System.currentTimeMillis() + settings.taskTimeout().toMillis(), null);
        WorkerRun run;
        try {
            run = launcher.run(assignment, route.plugin().cachedJar(), settings.taskTimeout());
        } catch (IOException e) {
            return attempt.failed(payload, route, Cause.LAUNCH_FAILED, "could not start a worker JVM for "
                    + route.plugin().cachedJar() + ": " + e.getMessage());
        }
        return attempt.ran(payload, route, method, run);
    }

    private void record(byte[] payload, OutcomeRecord outcome) throws InterruptedException {
        long backoff = 200;
        while (true) {
            try {
                if (!outcomes.record(payload, outcome)) {
                    log.warn("task {} was no longer in this host's processing list; its outcome was not recorded again",
                            outcome.id());
                }
                logOutcome(outcome);
                return;
            } catch (JedisException e) {
                log.warn("cannot record the outcome of task {} ({}); retrying in {} ms", outcome.id(), e.getMessage(),
                        backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, RECORD_RETRY_MAX.toMillis());
            }
        }
    }

    private void putBack(byte[] payload) {
        try {
            queue.putBack(payload);
        } catch (JedisException e) {
            log.warn("could not put an interrupted task back ({}); it stays in the processing list until the next start",
                    e.getMessage());
        }
    }

    private static void logOutcome(OutcomeRecord outcome) {
        String task = outcome.worker() == null ? "(unparsed payload)" : outcome.taskClass() + "." + outcome.worker();
        if (outcome.passed()) {
            log.info("task {} {} passed in {} ms ({} ms from fetch)", outcome.id(), task, outcome.durationMs(),
                    outcome.totalMs());
        } else {
            log.warn("task {} {} failed after {} ms: {}: {}", outcome.id(), task, outcome.totalMs(),
                    outcome.cause().code(), outcome.reason());
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

        OutcomeRecord failed(Payload payload, Route route, Cause cause, String reason) {
            return outcome(payload, route, null, null, cause, reason);
        }

        OutcomeRecord ran(Payload payload, Route route, String method, WorkerRun run) {
            WorkerReport report = run.report();
            if (report != null) {
                return outcome(payload, route, method, run, report.passed() ? null : Cause.EXCEPTION,
                        report.passed() ? null : report.error().type() + ": " + report.error().message());
            }
            if (run.timedOut()) {
                return outcome(payload, route, method, run, Cause.TIMEOUT, "ran past its limit of "
                        + settings.taskTimeout() + "; the worker and its child processes were killed");
            }
            if (run.exitCode() > 128) {
                return outcome(payload, route, method, run, Cause.WORKER_KILLED, "the worker JVM was killed by signal "
                        + (run.exitCode() - 128) + " before it reported; last stderr: " + run.stderrTail());
            }
            return outcome(payload, route, method, run, Cause.WORKER_EXIT, "the worker JVM exited with code "
                    + run.exitCode() + " before it reported (System.exit in the operation, or a JVM that could not"
                    + " start); last stderr: " + run.stderrTail());
        }

        /** When the operation started, or when its worker was spawned if it never reported. */
        private static Long startedAt(WorkerRun run) {
            if (run == null) {
                return null;
            }
            return run.report() == null ? run.spawnedAt() : run.report().startedAt();
        }

        private OutcomeRecord outcome(Payload payload, Route route, String method, WorkerRun run, Cause cause,
                                     String reason) {
            WorkerReport report = run == null ? null : run.report();
            PluginJar plugin = route == null ? null : route.plugin();
            long now = System.currentTimeMillis();
            return new OutcomeRecord(
                    id,
                    cause == null ? OutcomeRecord.PASSED : OutcomeRecord.FAILED,
                    cause,
                    reason,
                    settings.queue(),
                    settings.hostId(),
                    payload == null ? null : payload.taskClass(),
                    payload == null ? null : payload.worker(),
                    1,
                    plugin == null ? null : new OutcomeRecord.PluginRef(plugin.id(), plugin.version(), plugin.sha256(),
                            plugin.source().getFileName().toString()),
                    route == null ? null : route.worker().javaClass(),
                    method,
                    report == null ? null : report.result(),
                    report == null ? null : report.error(),
                    fetchedAt,
                    startedAt(run),
                    report == null ? now : report.finishedAt(),
                    report == null ? null : Long.valueOf(report.finishedAt() - report.startedAt()),
                    now - fetchedAt,
                    run == null ? null : run.pid(),
                    run == null ? null : run.exitCode());
        }
    }
}
