package io.taskhost.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a report travels on the worker's stdout, among whatever the plugin itself prints. */
public final class WorkerProtocol {

    private static final String PREFIX = "##taskhost-report:";
    /** What a warm worker prints once it has loaded its plugin and is waiting for its first task. */
    public static final String READY_LINE = "##taskhost-ready";
    /** The worker argument that makes it warm up before it reads its first task. */
    public static final String WARM = "--warm";
    /**
     * The worker argument, followed by a TaskWorker class name, that makes it warm up that class
     * only, rather than every class its plugin's extension index lists: reading the index from the
     * jar costs a few milliseconds.
     */
    public static final String WARM_CLASS = "--warm-class";
    /** The worker argument, followed by a count, for how many tasks one worker JVM runs before it exits. */
    public static final String TASKS = "--tasks";

    private WorkerProtocol() {
    }

    /** The arguments of a worker JVM that warms up first when {@code warm}, and runs up to {@code tasks} tasks. */
    public static List<String> arguments(boolean warm, int tasks) {
        return arguments(warm, List.of(), tasks);
    }

    /**
     * The arguments of a worker JVM that warms up first when {@code warm}: the TaskWorker classes
     * {@code warmClasses}, or all of its plugin's if there are none; it runs up to {@code tasks} tasks.
     */
    public static List<String> arguments(boolean warm, List<String> warmClasses, int tasks) {
        var arguments = new ArrayList<String>();
        if (warm && warmClasses.isEmpty()) {
            arguments.add(WARM);
        }
        if (warm) {
            for (String name : warmClasses) {
                arguments.add(WARM_CLASS);
                arguments.add(name);
            }
        }
        if (tasks != 1) {
            arguments.add(TASKS);
            arguments.add(Integer.toString(tasks));
        }
        return List.copyOf(arguments);
    }

    public static String reportLine(String marker, String reportJson) {
        return PREFIX + marker + ' ' + reportJson;
    }

    /** The report's JSON if {@code line} is the report line for {@code marker}. */
    public static Optional<String> reportJson(String marker, String line) {
        String head = PREFIX + marker + ' ';
        return line.startsWith(head) ? Optional.of(line.substring(head.length())) : Optional.empty();
    }
}
