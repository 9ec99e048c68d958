package io.taskhost.host.limits;

import io.taskhost.worker.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How one operation runs: its time limit, its attempts, and its worker JVM. Each field of an
 * override may be null, meaning "ask the next, less specific level": the method's
 * {@code @TaskOptions}, then the class's, then the host's settings for the plugin, then the
 * host's defaults. Only the host's settings set the JVM's options, spares and reuse.
 *
 * @param maxHeap        as {@code -Xmx} takes it, such as {@code 256m}
 * @param jvmOptions     the worker JVM's options besides its heap
 * @param warmSpares     how many warm spare JVMs wait for the plugin's next tasks
 * @param tasksPerWorker how many tasks one JVM runs before it exits; 1 is strict isolation
 * @param network        whether a sandboxed worker shares the host's network ({@code network=none} says not)
 */
public record RunLimits(Duration timeout, Integer maxAttempts, String maxHeap, List<String> jvmOptions,
                        Integer warmSpares, Integer tasksPerWorker, Boolean network) {

    public static final RunLimits NONE = new RunLimits(null, null, null);

    public RunLimits {
        jvmOptions = jvmOptions == null ? null : List.copyOf(jvmOptions);
    }

    public RunLimits(Duration timeout, Integer maxAttempts, String maxHeap) {
        this(timeout, maxAttempts, maxHeap, null, null, null, null);
    }

    public RunLimits orElse(RunLimits fallback) {
        return new RunLimits(
                timeout != null ? timeout : fallback.timeout,
                maxAttempts != null ? maxAttempts : fallback.maxAttempts,
                maxHeap != null ? maxHeap : fallback.maxHeap,
                jvmOptions != null ? jvmOptions : fallback.jvmOptions,
                warmSpares != null ? warmSpares : fallback.warmSpares,
                tasksPerWorker != null ? tasksPerWorker : fallback.tasksPerWorker,
                network != null ? network : fallback.network);
    }

    /** The worker JVM's options, then its heap: the heap setting wins over an {@code -Xmx} among the options. */
    public List<String> jvmOptionsWithHeap() {
        var options = new ArrayList<String>(jvmOptions == null ? List.of() : jvmOptions);
        options.add("-Xmx" + maxHeap);
        return options;
    }

    /** The worker JVM options a setting's value gives: space-separated, blank for none. */
    public static List<String> options(String value) {
        return value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
    }

    /**
     * Reads the host's per-plugin settings, keys {@code task-timeout}, {@code max-attempts},
     * {@code worker-max-heap}, {@code worker-jvm-options}, {@code warm-spares} and
     * {@code tasks-per-worker} and {@code network} ({@code none} or {@code host}).
     *
     * @throws IllegalArgumentException naming the bad key
     */
    public static RunLimits fromSettings(String prefix, Map<String, String> settings) {
        String timeout = settings.get("task-timeout");
        String attempts = settings.get("max-attempts");
        String heap = settings.get("worker-max-heap");
        String jvmOptions = settings.get("worker-jvm-options");
        String spares = settings.get("warm-spares");
        String tasksPerWorker = settings.get("tasks-per-worker");
        String network = settings.get("network");
        try {
            return new RunLimits(
                    timeout == null ? null : DurationText.parse(timeout),
                    attempts == null ? null : positive(Integer.parseInt(attempts.trim())),
                    heap == null ? null : heap(heap.trim()),
                    jvmOptions == null ? null : options(jvmOptions),
                    spares == null ? null : warmSpares(Integer.parseInt(spares.trim())),
                    tasksPerWorker == null ? null : tasksPerWorker(Integer.parseInt(tasksPerWorker.trim())),
                    network == null ? null : network(network.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ": " + e.getMessage(), e);
        }
    }

    static Integer positive(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1, not " + attempts);
        }
        return attempts;
    }

    public static int warmSpares(int spares) {
        if (spares < 0) {
            throw new IllegalArgumentException("warm-spares must be 0 (off) or more, not " + spares);
        }
        return spares;
    }

    public static int tasksPerWorker(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks-per-worker must be at least 1, not " + tasks);
        }
        return tasks;
    }

    /** {@code host}: the host's network; {@code none}: only a loopback of the worker's own. */
    static Boolean network(String value) {
        return switch (value) {
            case "host" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("network must be host or none, not '" + value + "'");
        };
    }

    public static String heap(String value) {
        if (!value.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("worker-max-heap must be a heap size as -Xmx takes it, such as 256m or 2g,"
                    + " not '" + value + "'");
        }
        return value;
    }
}
