package io.taskhost.testkit;

import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerReport;
import java.util.List;

/** Outcomes as the host words them, from a worker's report or from how its JVM ended. */
final class Reports {

    private Reports() {
    }

    static TaskOutcome outcome(TaskAssignment task, WorkerReport report, List<String> output) {
        if (report.passed()) {
            var result = report.result() == null || report.result().isNull() ? null : report.result();
            return new TaskOutcome(task.taskClass(), task.worker(), null, null, result, null, false, output);
        }
        var error = report.error();
        return new TaskOutcome(task.taskClass(), task.worker(), "exception", error.type() + ": " + error.message(),
                null, new TaskOutcome.ErrorInfo(error.type(), error.message(), error.stackTrace()),
                report.unrecoverable(), output);
    }

    static TaskOutcome failed(TaskAssignment task, String cause, String reason, List<String> output) {
        return failed(task.taskClass(), task.worker(), cause, reason, output);
    }

    static TaskOutcome failed(String taskClass, String worker, String cause, String reason, List<String> output) {
        return new TaskOutcome(taskClass, worker, cause, reason, null, null, false, output);
    }
}
