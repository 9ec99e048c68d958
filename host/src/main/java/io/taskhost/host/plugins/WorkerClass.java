package io.taskhost.host.plugins;

import java.util.List;
import java.util.SortedMap;

/**
 * A TaskWorker found in a plugin.
 *
 * @param names      the payload {@code class} values it answers to
 * @param operations worker name (without {@code _task_}) to method name
 */
public record WorkerClass(String javaClass, List<String> names, SortedMap<String, String> operations) {
}
