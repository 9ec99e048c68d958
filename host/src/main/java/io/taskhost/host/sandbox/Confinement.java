package io.taskhost.host.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * The limits of one worker: how to start it within them, and, once it has ended, whether it hit one.
 * Made by {@link WorkerLimits#forWorker(long)}; closed once the worker has ended.
 */
public interface Confinement extends AutoCloseable {

    /**
     * The exit status of a worker whose command prefix could not put it into its cgroup: it does not
     * run rather than run without its limits. Its stderr says why.
     */
    int COULD_NOT_JOIN = 125;

    /**
     * What goes before the rest of the worker's command ({@code bwrap ...} or {@code java ...}), after
     * {@code setsid}; empty where nothing is limited. The prefix execs the rest in the same process, so
     * the worker's pid is the pid that was started, and it has its limits before it can fork.
     */
    List<String> commandPrefix();

    /**
     * Which of its limits the worker reached, said for a task's outcome, such as "it ran out of its memory
     * limit of 768 MiB" or "it reached its limit of 64 processes and threads"; empty if none, or if this
     * kind of limits cannot tell (rlimits). Read it after the worker has ended; after {@link #close()} it
     * says what it said then.
     */
    Optional<String> limitReached();

    /** Kills whatever the worker left in its cgroup, even processes that left its process group, and removes the cgroup. */
    @Override
    void close();
}
