package io.taskhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code @PluginTest} hands the test methods a PluginTasks for the plugin it names. */
@PluginTest(plugin = "../plugins/fixtures/target/classes")
class PluginTestExtensionTest {

    private final PluginTasks injected;

    PluginTestExtensionTest(PluginTasks injected) {
        this.injected = injected;
    }

    @Test
    void aTestMethodGetsTasksThatRunInAWorkerJvmByDefault(PluginTasks tasks) {
        long pid = tasks.run("Fixtures", "whoami").assertPassed().result().asLong();
        assertNotEquals(ProcessHandle.current().pid(), pid);
    }

    @Test
    void theConstructorAndTheMethodsShareOnePluginTasks(PluginTasks tasks) {
        assertSame(injected, tasks);
    }

    @Nested
    class Nested_classes {

        @Test
        void takeTheSettingsOfTheirEnclosingClass(PluginTasks tasks) {
            assertSame(injected, tasks);
        }
    }

    @Nested
    @PluginTest(plugin = "../plugins/fixtures/target/classes", mode = PluginTest.Mode.IN_PROCESS)
    class In_process {

        @Test
        void tasksRunInTheTestsJvm(PluginTasks tasks) {
            assertEquals(ProcessHandle.current().pid(), tasks.run("Fixtures", "whoami").assertPassed().result().asLong());
        }
    }
}
