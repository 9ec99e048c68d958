package io.taskhost.host.tasks;

import io.taskhost.host.limits.RunLimits;
import java.time.Duration;
import java.util.Map;

/**
 * @param queue           the host's first queue; each task's outcome names the queue it came from
 * @param workers         how many tasks run at once
 * @param limits          the host's defaults for every operation, all fields set
 * @param pluginLimits    plugin id to the host's overrides for that plugin
 * @param shutdownGrace   how long a stopping host waits for running tasks
 * @param fetchTimeout    how long one blocking fetch waits before it is repeated
 * @param maxPayloadBytes larger payloads are dead-lettered unread
 * @param maxPayloadDepth deeper JSON nesting is dead-lettered
 * @param parkUnknownFor  how long a task for a class no plugin provides waits for one; zero dead-letters it at once
 * @param orphanCheckInterval how often the host looks for processing entries that no slot runs
 * @param reuseBatch      how many tasks a slot takes at once after tasks that ran in reuse mode
 */
public record TaskSettings(String queue, String hostId, String defaultClass, int workers, RunLimits limits,
                           Map<String, RunLimits> pluginLimits, Duration shutdownGrace, Duration fetchTimeout,
                           int maxPayloadBytes, int maxPayloadDepth, Duration parkUnknownFor,
                           Duration orphanCheckInterval, int reuseBatch) {

    public TaskSettings {
        pluginLimits = Map.copyOf(pluginLimits);
    }

    /** These settings for the tasks of {@code queue}, which their outcome records name. */
    TaskSettings forQueue(String queue) {
        return new TaskSettings(queue, hostId, defaultClass, workers, limits, pluginLimits, shutdownGrace, fetchTimeout,
                maxPayloadBytes, maxPayloadDepth, parkUnknownFor, orphanCheckInterval, reuseBatch);
    }

    RunLimits limitsFor(String pluginId, RunLimits fromAnnotations) {
        return fromAnnotations.orElse(pluginLimits.getOrDefault(pluginId, RunLimits.NONE)).orElse(limits);
    }
}
