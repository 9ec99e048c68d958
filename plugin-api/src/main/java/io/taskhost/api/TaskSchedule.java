package io.taskhost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@code _task_} method on a schedule, for as long as this version of the plugin is active: the
 * schedule ships with the code and is gone when the jar is removed. Each occurrence is enqueued once,
 * whatever the number of hosts, as the payload {@code {"worker": <method name without _task_>, "class":
 * <the class's simple name>, "params": <params>}} onto the host's queue. Set {@link #cron()} or
 * {@link #every()}, not both; a declaration the host cannot read is ignored with a warning in its log.
 *
 * <pre>{@code
 * @TaskSchedule(cron = "0 7 * * MON-FRI", zone = "Europe/Berlin", params = "{\"kind\":\"daily\"}")
 * public void _task_send_digest(Map<String, Object> params) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface TaskSchedule {

    /** A five-field Unix cron expression ({@code 0 7 * * MON-FRI}), or six fields with seconds first. */
    String cron() default "";

    /** The zone {@link #cron()} is read in, such as {@code Europe/Berlin}. */
    String zone() default "UTC";

    /** A fixed period instead of a cron expression ({@code 30s}, {@code 5m}, {@code 1h}), counted from the epoch. */
    String every() default "";

    /** The payload's {@code params}, as a JSON object. */
    String params() default "{}";

    /**
     * What happens to occurrences missed while no host ran: {@code once} enqueues one run for all of them,
     * {@code skip} none.
     */
    String catchUp() default "once";
}
