package io.taskhost.host.retries;

import io.taskhost.host.config.Durations;
import java.time.Duration;
import java.util.Map;

/**
 * How one operation runs: its time limit, its attempts, its worker heap. Each field of an
 * override may be null, meaning "ask the next, less specific level": the method's
 * {@code @TaskOptions}, then the class's, then the host's settings for the plugin, then the
 * host's defaults.
 *
 * @param maxHeap as {@code -Xmx} takes it, such as {@code 256m}
 */
public record RunLimits(Duration timeout, Integer maxAttempts, String maxHeap) {

    public static final RunLimits NONE = new RunLimits(null, null, null);

    public RunLimits orElse(RunLimits fallback) {
        return new RunLimits(
                timeout != null ? timeout : fallback.timeout,
                maxAttempts != null ? maxAttempts : fallback.maxAttempts,
                maxHeap != null ? maxHeap : fallback.maxHeap);
    }

    /**
     * Reads the host's per-plugin settings, keys {@code task-timeout}, {@code max-attempts} and
     * {@code worker-max-heap}.
     *
     * @throws IllegalArgumentException naming the bad key
     */
    public static RunLimits fromSettings(String prefix, Map<String, String> settings) {
        String timeout = settings.get("task-timeout");
        String attempts = settings.get("max-attempts");
        String heap = settings.get("worker-max-heap");
        try {
            return new RunLimits(
                    timeout == null ? null : Durations.parse(timeout),
                    attempts == null ? null : positive(Integer.parseInt(attempts.trim())),
                    heap == null ? null : heap(heap.trim()));
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

    public static String heap(String value) {
        if (!value.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("'" + value + "' is not a heap size; use 256m or 2g as -Xmx takes it");
        }
        return value;
    }
}
