package io.taskhost.host.queue;

import java.time.Duration;

/**
 * How many replicas must acknowledge the fetch and the outcome record of a task before the host goes
 * on ({@code --redis-wait-replicas}), and how long it waits for them ({@code --redis-wait-timeout}).
 * Redis replicates asynchronously: without a wait, a failover can lose a master's last writes.
 *
 * @param replicas 0 turns waiting off
 * @param timeout  how long one wait may take; positive, so that Redis's WAIT never blocks for ever,
 *                 and at most {@link #LONGEST_TIMEOUT}
 */
public record ReplicaWait(int replicas, Duration timeout) {

    /**
     * Below the 5 s read timeout of the host's Redis connections, which a WAIT is read under: a
     * longer one would look like a dead connection.
     */
    public static final Duration LONGEST_TIMEOUT = Duration.ofSeconds(4);

    public static final ReplicaWait OFF = new ReplicaWait(0, Duration.ofSeconds(1));

    public ReplicaWait {
        if (replicas < 0) {
            throw new IllegalArgumentException("redis-wait-replicas must be 0 (off) or more, not " + replicas);
        }
        if (timeout.toMillis() < 1 || timeout.compareTo(LONGEST_TIMEOUT) > 0) {
            throw new IllegalArgumentException("redis-wait-timeout must be between 1ms and " + LONGEST_TIMEOUT.toSeconds()
                    + "s, not " + timeout);
        }
    }

    public boolean on() {
        return replicas > 0;
    }
}
