package io.taskhost.host.tasks;

import io.taskhost.host.liveness.RunningTasks;
import io.taskhost.host.liveness.TaskRecovery;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.TaskQueue;

/**
 * One queue of a host and what works on its keys, all in the queue's own slot: a task fetched from
 * it is recorded, retried, parked, dead-lettered, put back and recovered there, never in another
 * queue's keys.
 */
public record QueueLane(QueueKeys keys, TaskQueue queue, OutcomeLog outcomes, TaskRecovery recovery,
                        PauseFlags pauseFlags, RunningTasks running) {

    public String name() {
        return keys.queue();
    }
}
