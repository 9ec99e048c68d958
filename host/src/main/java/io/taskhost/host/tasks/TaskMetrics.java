package io.taskhost.host.tasks;

import io.taskhost.host.outcomes.OutcomeRecord;
import java.time.Duration;

/**
 * What the host tells a metrics backend about its tasks: once per event, on the slot thread that
 * ran the task. Implementations must be quick and must not throw.
 */
public interface TaskMetrics {

    /** Records nothing: for a host without a metrics endpoint. */
    TaskMetrics NONE = new TaskMetrics() {
        @Override
        public void workerStarted(String pluginId, Duration startup) {
        }

        @Override
        public void recorded(OutcomeRecord outcome) {
        }
    };

    /**
     * A worker JVM of plugin {@code pluginId} reported, having reached its operation {@code startup}
     * after it was spawned; a worker that died before reporting is not counted.
     */
    void workerStarted(String pluginId, Duration startup);

    /** An outcome record was written to Redis, with its disposition; a parked task has none. */
    void recorded(OutcomeRecord outcome);
}
