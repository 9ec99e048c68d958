package io.taskhost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Extra names under which producers address a {@link TaskWorker}, in the payload's
 * {@code class} field. The simple class name always routes too.
 *
 * <pre>{@code
 * @Extension
 * @TaskClass("TaskproModel")
 * public class AccountTasks implements TaskWorker { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TaskClass {

    /** The names, matched exactly and case-sensitively against the payload's {@code class}. */
    String[] value();
}
