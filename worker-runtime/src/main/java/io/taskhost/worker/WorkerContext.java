package io.taskhost.worker;

import io.taskhost.api.TaskContext;
import java.time.Instant;
import java.util.Optional;

final class WorkerContext implements TaskContext {

    private final Assignment assignment;
    private final System.Logger logger;

    WorkerContext(Assignment assignment, System.Logger logger) {
        this.assignment = assignment;
        this.logger = logger;
    }

    @Override
    public String taskId() {
        return assignment.taskId();
    }

    @Override
    public int attempt() {
        return assignment.attempt();
    }

    @Override
    public String taskClass() {
        return assignment.taskClass();
    }

    @Override
    public String worker() {
        return assignment.worker();
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    @Override
    public Optional<Instant> deadline() {
        return Optional.ofNullable(assignment.deadlineEpochMillis()).map(Instant::ofEpochMilli);
    }
}
