package io.taskhost.host.schedules;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.taskhost.worker.DurationText;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * When a schedule's occurrences fall: a cron expression in a time zone, or a fixed period counted from the
 * epoch. Every host computes the same occurrences from the same definition, whatever its own clock reads,
 * so that an occurrence is one instant all hosts agree on and Redis can tell whether it was enqueued.
 */
public sealed interface Recurrence {

    /** The latest occurrence at or before {@code now}; empty if there has been none (a cron for a past year). */
    Optional<Instant> latestAtOrBefore(Instant now);

    /** The first occurrence after {@code instant}; empty if there is none. */
    Optional<Instant> after(Instant instant);

    /** As the user wrote it, for listings and logs: {@code cron 0 2 * * * Europe/Berlin}, {@code every 2s}. */
    String describe();

    /**
     * A five-field Unix cron expression (minute hour day-of-month month day-of-week) or a six-field one
     * with seconds first, read by cron-utils.
     *
     * @throws IllegalArgumentException saying what is wrong with the expression or the zone
     */
    static Recurrence cron(String expression, String zone) {
        return new CronRecurrence(expression, zone);
    }

    /**
     * Every {@code period} (500ms, 30s, 5m, 2h or ISO-8601), at whole multiples of it since the epoch.
     *
     * @throws IllegalArgumentException if it is no duration, or shorter than a second
     */
    static Recurrence every(String period) {
        Duration duration = DurationText.parse(period);
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("'" + period + "' is shorter than the scheduler's tick of a second");
        }
        return new Every(duration, period.trim());
    }

    /** A fixed period: occurrences at n times the period since 1970-01-01T00:00Z, the same on every host. */
    record Every(Duration period, String text) implements Recurrence {

        @Override
        public Optional<Instant> latestAtOrBefore(Instant now) {
            long periodMillis = period.toMillis();
            return Optional.of(Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), periodMillis) * periodMillis));
        }

        @Override
        public Optional<Instant> after(Instant instant) {
            long periodMillis = period.toMillis();
            return Optional.of(Instant.ofEpochMilli((Math.floorDiv(instant.toEpochMilli(), periodMillis) + 1)
                    * periodMillis));
        }

        @Override
        public String describe() {
            return "every " + text;
        }
    }

    /** A cron expression in a zone; occurrences are whole seconds. */
    final class CronRecurrence implements Recurrence {

        private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
        private static final CronParser WITH_SECONDS =
                new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

        private final String expression;
        private final ZoneId zone;
        private final ExecutionTime executions;

        private CronRecurrence(String expression, String zone) {
            if (expression == null || expression.isBlank()) {
                throw new IllegalArgumentException("the cron expression is empty");
            }
            this.expression = expression.trim().replaceAll("\\s+", " ");
            this.zone = zone(zone);
            int fields = this.expression.split(" ").length;
            CronParser parser = switch (fields) {
                case 5 -> UNIX;
                case 6 -> WITH_SECONDS;
                default -> throw new IllegalArgumentException("'" + this.expression + "' has " + fields + " fields;"
                        + " a cron expression has five (minute hour day-of-month month day-of-week) or six (seconds"
                        + " first)");
            };
            Cron cron;
            try {
                cron = parser.parse(this.expression);
                cron.validate();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + this.expression + "' is not a valid cron expression: "
                        + e.getMessage(), e);
            }
            this.executions = ExecutionTime.forCron(cron);
        }

        private static ZoneId zone(String zone) {
            try {
                return ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone.trim());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("'" + zone + "' is not a time zone; use a region such as"
                        + " Europe/Berlin, or UTC", e);
            }
        }

        /**
         * The occurrences are those {@link #after} steps through; in the hour a fall-back repeats, the second
         * 02:30 matches the expression but is not one of them, so that it does not run twice.
         */
        @Override
        public Optional<Instant> latestAtOrBefore(Instant now) {
            ZonedDateTime second = now.truncatedTo(ChronoUnit.SECONDS).atZone(zone);
            Optional<ZonedDateTime> candidate = executions.isMatch(second) ? Optional.of(second)
                    : executions.lastExecution(second);
            for (int i = 0; i < 3 && candidate.isPresent(); i++) {
                Optional<ZonedDateTime> before = executions.lastExecution(candidate.get());
                if (before.isEmpty() || before.flatMap(executions::nextExecution).map(ZonedDateTime::toInstant)
                        .equals(Optional.of(candidate.get().toInstant()))) {
                    return candidate.map(ZonedDateTime::toInstant);
                }
                candidate = before;
            }
            return candidate.map(ZonedDateTime::toInstant);
        }

        @Override
        public Optional<Instant> after(Instant instant) {
            return executions.nextExecution(instant.truncatedTo(ChronoUnit.SECONDS).atZone(zone))
                    .map(ZonedDateTime::toInstant);
        }

        @Override
        public String describe() {
            return "cron " + expression + " " + zone.getId();
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
