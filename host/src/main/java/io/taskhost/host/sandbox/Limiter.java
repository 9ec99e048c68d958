package io.taskhost.host.sandbox;

import java.io.IOException;

/** One kind of limits, set up for this host. */
interface Limiter extends AutoCloseable {

    /** "cgroup v2", "cgroup v1", "rlimit" or "none". */
    String kind();

    /** What a worker is held to, and where, in a few words for the start-up log. */
    String describe();

    /** A new worker's limits: at most the host's process limit, and {@code memoryBytes} of memory. */
    Confinement forWorker(long memoryBytes) throws IOException;

    @Override
    void close();
}
