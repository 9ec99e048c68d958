package io.taskhost.host.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * How the worker JVMs of one plugin version are started and used.
 *
 * @param pluginJar      the content-addressed copy of the plugin jar
 * @param jvmOptions     every option of the JVM, heap included
 * @param warmSpares     how many started JVMs wait warm for this plugin's next tasks; 0 starts each at its task
 * @param tasksPerWorker how many tasks one JVM runs before it exits; 1 is strict isolation
 * @param workerClass    the TaskWorker class of the task at hand, which the spares started after it warm up;
 *                       they take any task of the plugin
 * @param network        whether a sandboxed JVM shares the host's network ({@code plugin.<id>.network})
 */
public record LaunchPlan(Path pluginJar, List<String> jvmOptions, int warmSpares, int tasksPerWorker,
                         String workerClass, boolean network) {

    public LaunchPlan {
        jvmOptions = List.copyOf(jvmOptions);
        if (warmSpares < 0) {
            throw new IllegalArgumentException("warm-spares must not be negative, not " + warmSpares);
        }
        if (tasksPerWorker < 1) {
            throw new IllegalArgumentException("tasks-per-worker must be at least 1, not " + tasksPerWorker);
        }
    }

    /** A plan whose JVMs have the network. */
    public LaunchPlan(Path pluginJar, List<String> jvmOptions, int warmSpares, int tasksPerWorker, String workerClass) {
        this(pluginJar, jvmOptions, warmSpares, tasksPerWorker, workerClass, true);
    }

    /** Whether a JVM started for this plan can run the tasks of {@code other}: the same plugin version, options and mode. */
    public boolean sharesJvmsWith(LaunchPlan other) {
        return kind().equals(other.kind());
    }

    /** JVMs started for one plan can run the tasks of another only when this matches. */
    Kind kind() {
        return new Kind(pluginJar, jvmOptions, tasksPerWorker, network);
    }

    record Kind(Path pluginJar, List<String> jvmOptions, int tasksPerWorker, boolean network) {
    }
}
