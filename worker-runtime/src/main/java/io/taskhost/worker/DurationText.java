package io.taskhost.worker;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them, in {@code @TaskOptions(timeout)} and in the host's settings alike:
 * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601 such as {@code PT30S}.
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private DurationText() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Duration parse(String value) {
        try {
            Matcher matcher = SHORT.matcher(value.trim());
            if (!matcher.matches()) {
                return Duration.parse(value.trim());
            }
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "'" + value + "' is not a duration; use 500ms, 30s, 5m, 2h or ISO-8601 such as PT30S");
        }
    }
}
