package io.taskhost.host.config;

import io.taskhost.worker.DurationText;
import java.time.Duration;

/**
 * Durations as people write them in settings: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601; the
 * same forms as a plugin's {@code @TaskOptions(timeout)}, which the worker runtime reads.
 */
public final class Durations {

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Duration parse(String value) {
        return DurationText.parse(value);
    }
}
