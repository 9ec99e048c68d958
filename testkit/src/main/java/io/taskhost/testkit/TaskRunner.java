package io.taskhost.testkit;

import io.taskhost.worker.TaskAssignment;

/** Where a routed task runs: a worker JVM of its own, or the test's JVM. */
interface TaskRunner extends AutoCloseable {

    TaskOutcome run(TaskAssignment assignment, Routes.Operation operation);

    @Override
    void close();
}
