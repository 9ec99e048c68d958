package ${package};

import io.taskhost.api.TaskContext;
import io.taskhost.api.TaskWorker;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The tasks producers address as {@code "class": "${taskClass}"}. Each public method named
 * {@code _task_<worker>} is an operation, run by a payload whose {@code "worker"} is its name
 * without the prefix; Jackson binds the payload's {@code "params"} to its first parameter.
 */
@Extension
public class ${taskClass} implements TaskWorker {

    /** The params of {@code greet}, such as {@code {"name": "Ada"}}. */
    public record Greeting(String name) {
    }

    /** {@code {"class": "${taskClass}", "worker": "greet", "params": {"name": "Ada"}}} */
    public Map<String, String> _task_greet(Greeting greeting, TaskContext context) {
        if (greeting.name() == null || greeting.name().isBlank()) {
            throw new IllegalArgumentException("params.name is missing");
        }
        context.logger().log(System.Logger.Level.INFO, "greeting " + greeting.name());
        return Map.of("message", "Hello, " + greeting.name() + "!");
    }
}
