package ${package};

import io.taskhost.testkit.PluginTasks;
import io.taskhost.testkit.PluginTest;
import org.junit.jupiter.api.Test;

/** Each task runs in a worker JVM of its own, as the host runs it, from target/classes. */
@PluginTest
class ${taskClass}Test {

    @Test
    void greetsByName(PluginTasks tasks) {
        tasks.run("${taskClass}", "greet", "{\"name\":\"Ada\"}")
                .assertPassed()
                .assertResultJson("{\"message\":\"Hello, Ada!\"}");
    }

    @Test
    void failsWithoutAName(PluginTasks tasks) {
        tasks.run("${taskClass}", "greet", "{}").assertFailedWith(IllegalArgumentException.class);
    }
}
