package io.taskhost.host.launch;

import java.util.List;

/**
 * The host stopped while a worker JVM ran a slot's turns: the JVM has been killed, and these are the runs
 * that had reported before, in order, for the caller to record rather than run again.
 */
public final class TurnsInterrupted extends InterruptedException {

    private final transient List<WorkerRun> ran;

    TurnsInterrupted(List<WorkerRun> ran) {
        super("the host stopped after " + ran.size() + " turn(s) had reported");
        this.ran = List.copyOf(ran);
    }

    /** The runs that reported before the host stopped, in the order of their turns. */
    public List<WorkerRun> ran() {
        return ran;
    }
}
