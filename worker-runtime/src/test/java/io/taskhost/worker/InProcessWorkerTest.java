package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskWorker;
import io.taskhost.api.UnrecoverableTaskException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class InProcessWorkerTest {

    private final ObjectMapper mapper = new ObjectMapper();

    public static class Greeter implements TaskWorker {
        public record Person(String name) {
        }

        public String _task_greet(Person person) {
            return "Hello, " + person.name();
        }

        public String _task_context_loader() {
            return Thread.currentThread().getContextClassLoader().getName();
        }

        public void _task_refuse() {
            throw new UnrecoverableTaskException("gone");
        }
    }

    private WorkerReport run(ClassLoader loader, String method, String params) throws Exception {
        return new InProcessWorker(loader).run(new TaskAssignment("t1", 1, "Greeter", method.substring(6),
                Greeter.class.getName(), method, params == null ? null : mapper.readTree(params), null, null));
    }

    @Test
    void paramsAreBoundAsInAWorkerJvmIgnoringUnknownFields() throws Exception {
        WorkerReport report = run(getClass().getClassLoader(), "_task_greet", "{\"name\":\"Ada\",\"extra\":1}");
        assertTrue(report.passed(), () -> String.valueOf(report.error()));
        assertEquals("Hello, Ada", report.result().asText());
    }

    @Test
    void anExceptionIsReportedNotThrown() throws Exception {
        WorkerReport report = run(getClass().getClassLoader(), "_task_refuse", null);
        assertFalse(report.passed());
        assertTrue(report.unrecoverable());
        assertEquals(UnrecoverableTaskException.class.getName(), report.error().type());
    }

    @Test
    void theOperationRunsWithThePluginLoaderAsContextLoaderWhichIsRestoredAfterwards() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (var plugin = new URLClassLoader("plugin", new URL[0], getClass().getClassLoader())) {
            WorkerReport report = run(plugin, "_task_context_loader", null);
            assertEquals("plugin", report.result().asText());
        }
        assertSame(before, Thread.currentThread().getContextClassLoader());
    }
}
