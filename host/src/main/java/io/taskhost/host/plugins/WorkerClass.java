package io.taskhost.host.plugins;

import io.taskhost.host.limits.RunLimits;
import io.taskhost.worker.PluginReader.ScheduleDeclaration;
import java.util.List;
import java.util.SortedMap;

/**
 * A TaskWorker found in a plugin.
 *
 * @param names      the payload {@code class} values it answers to
 * @param operations worker name (without {@code _task_}) to the method that runs it
 */
public record WorkerClass(String javaClass, List<String> names, SortedMap<String, Operation> operations) {

    /**
     * @param limits   what the plugin's {@code @TaskOptions} say, method over class; unset fields are null
     * @param schedule the method's {@code @TaskSchedule} as written, unchecked; null if it has none
     */
    public record Operation(String method, RunLimits limits, ScheduleDeclaration schedule) {

        public Operation(String method, RunLimits limits) {
            this(method, limits, null);
        }
    }
}
