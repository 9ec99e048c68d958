package io.taskhost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How taskhost runs the operations of a {@link TaskWorker}: on the class for all its operations,
 * on a {@code _task_} method for that one. An attribute left at its default falls back to the
 * class, then to the host's settings for the plugin, then to the host's defaults.
 *
 * <pre>{@code
 * @TaskOptions(timeout = "2m", maxAttempts = 3)
 * public Receipt _task_charge(ChargeRequest request) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface TaskOptions {

    /** How long one run may take before its worker JVM is killed: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
    String timeout() default "";

    /** How many times the task runs at most, the first run included; 1 means never retry. */
    int maxAttempts() default 0;

    /** The worker JVM's maximum heap, as {@code -Xmx} takes it: {@code 256m}, {@code 2g}. */
    String maxHeap() default "";
}
