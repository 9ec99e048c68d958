package io.taskhost.host.schedules;

import java.util.Locale;

/** What a schedule does about occurrences that passed while no host ran it. */
public enum CatchUp {
    /** Enqueue nothing for them; the schedule resumes at its next occurrence. */
    SKIP,
    /** Enqueue one run for all of them together, never a burst, then resume. */
    ONCE;

    /** @throws IllegalArgumentException naming the accepted values */
    public static CatchUp parse(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "skip" -> SKIP;
            case "once" -> ONCE;
            default -> throw new IllegalArgumentException("'" + text + "' is no catch-up; use skip or once");
        };
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
