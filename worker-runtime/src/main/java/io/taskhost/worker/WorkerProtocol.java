package io.taskhost.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a report travels on the worker's stdout, among whatever the plugin itself prints. */
public final class WorkerProtocol {

    private static final String PREFIX = "##taskhost-report:";
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    /**
     * The longest report line a host or the testkit reads, in bytes: 4 MiB, four times the largest
     * payload the host takes by default. A longer report is not kept, and its task fails with
     * {@code report_too_large}: a result that large belongs in a store of its own, with a reference
     * to it in the result.
     */
    public static final int MAX_REPORT_BYTES = 4 << 20;
    /** What a warm worker prints once it has loaded its plugin and is waiting for its first task. */
    public static final String READY_LINE = "##taskhost-ready";
    /**
     * How a line on a worker's stderr starts when its warm-up could not do all it meant to; the host reports
     * such lines of the run that trains a class-data archive, which then lacks what that part would have loaded.
     */
    public static final String WARM_UP_TROUBLE = "taskhost worker: warm-up ";
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
    /**
     * The worker argument, followed by the pid of the process that started the worker: once its
     * parent is another, its host is gone and the worker halts, taking its process group with it.
     */
    public static final String HOST_PID = "--host-pid";

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
        return arguments(warm, warmClasses, tasks, 0);
    }

    /** As {@link #arguments(boolean, List, int)}, for a worker whose host is the process {@code hostPid}; 0 for unknown. */
    public static List<String> arguments(boolean warm, List<String> warmClasses, int tasks, long hostPid) {
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
        if (hostPid > 0) {
            arguments.add(HOST_PID);
            arguments.add(Long.toString(hostPid));
        }
        return List.copyOf(arguments);
    }

    public static String reportLine(String marker, String reportJson) {
        return PREFIX + marker + ' ' + reportJson;
    }

    /** Whether the first {@code size} bytes of a line are long enough to tell, and start like a report line. */
    static boolean isReportStart(byte[] line, int size) {
        if (size < PREFIX_BYTES.length) {
            return false;
        }
        for (int i = 0; i < PREFIX_BYTES.length; i++) {
            if (line[i] != PREFIX_BYTES[i]) {
                return false;
            }
        }
        return true;
    }

    /** The report's JSON if {@code line} is the report line for {@code marker}. */
    public static Optional<String> reportJson(String marker, String line) {
        String head = PREFIX + marker + ' ';
        return line.startsWith(head) ? Optional.of(line.substring(head.length())) : Optional.empty();
    }
}
