package io.taskhost.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a worker JVM, as {@link WorkerProtocol#arguments} writes them.
 *
 * @param warm        whether to warm up and print the ready line before reading the first task
 * @param warmClasses the TaskWorker classes to warm up; empty for all those the plugin's extension index lists
 * @param tasks       how many tasks to run before exiting
 * @param hostPid     the pid of the host that started it, or 0 if it was not given
 */
record WorkerOptions(boolean warm, List<String> warmClasses, int tasks, long hostPid) {

    WorkerOptions {
        warmClasses = List.copyOf(warmClasses);
    }

    static WorkerOptions parse(String[] args) {
        boolean warm = false;
        List<String> warmClasses = new ArrayList<>();
        int tasks = 1;
        long hostPid = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(WorkerProtocol.WARM)) {
                warm = true;
            } else if (args[i].equals(WorkerProtocol.WARM_CLASS) && i + 1 < args.length) {
                warm = true;
                warmClasses.add(args[++i]);
            } else if (args[i].equals(WorkerProtocol.TASKS) && i + 1 < args.length) {
                tasks = Integer.parseInt(args[++i]);
                if (tasks < 1) {
                    throw new IllegalArgumentException(WorkerProtocol.TASKS + " needs a count of at least 1");
                }
            } else if (args[i].equals(WorkerProtocol.HOST_PID) && i + 1 < args.length) {
                hostPid = Long.parseLong(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown worker argument " + args[i]);
            }
        }
        return new WorkerOptions(warm, warmClasses, tasks, hostPid);
    }
}
