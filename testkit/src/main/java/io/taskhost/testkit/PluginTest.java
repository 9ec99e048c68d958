package io.taskhost.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Makes a JUnit test class a test of a plugin: its test methods (and constructor) may declare a
 * {@link PluginTasks} parameter.
 *
 * <pre>{@code
 * @PluginTest
 * class MailTasksTest {
 *     @Test
 *     void sendsTheWelcomeMail(PluginTasks tasks) {
 *         tasks.run("MailTasks", "send_welcome_mail", "{\"user_id\":42}")
 *              .assertPassed()
 *              .assertResultJson("{\"sent\":true}");
 *     }
 * }
 * }</pre>
 *
 * <p>The plugin is {@link #plugin()}, else the system property {@value #PLUGIN_PROPERTY}, else
 * {@code target/classes}. taskhost-plugin-parent sets the property to the built jar for
 * integration tests ({@code *IT}, run by failsafe after {@code package}), so that they test
 * the jar the host will load.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PluginTasksExtension.class)
public @interface PluginTest {

    /** The system property naming the plugin when {@link #plugin()} does not. */
    String PLUGIN_PROPERTY = "taskhost.testkit.plugin";

    /** The plugin's jar or classes directory, relative to the working directory; empty for the default. */
    String plugin() default "";

    /** Where tasks run; a worker JVM each, as the host runs them, unless told otherwise. */
    Mode mode() default Mode.FORKED;

    /** Where tasks run. */
    enum Mode {
        /** In a new worker JVM each, as the host runs them: see {@link PluginTasks#forked}. */
        FORKED,
        /** In the test's JVM, faster and without process limits: see {@link PluginTasks#inProcess}. */
        IN_PROCESS
    }
}
