package io.taskhost.host.status;

import java.util.List;
import java.util.Map;

/**
 * A queue at a glance, as {@code taskhost status} shows it.
 *
 * @param waiting  tasks in the queue
 * @param delayed  tasks producers delayed, in {@code {queue}:delayed}
 * @param delayedOldestDue the earliest delayed task's due time, epoch seconds; null when there is none
 * @param counters {@code processed}, {@code passed}, {@code failed}, {@code retried}, {@code dead}, {@code parked}
 * @param paused   whether every host of the queue is paused
 */
public record QueueStatus(String queue, long waiting, long retrying, long parked, long dead, long delayed,
                          Double delayedOldestDue,
                          Map<String, Long> counters, boolean paused, List<HostStatus> hosts) {

    /**
     * @param alive   whether its heartbeat is current
     * @param inFlight tasks in its processing list
     * @param plugins the plugins it serves, as {@code id@version}
     */
    public record HostStatus(String id, boolean alive, boolean paused, long inFlight, List<String> plugins) {
    }
}
