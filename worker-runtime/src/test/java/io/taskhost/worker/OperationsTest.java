package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.api.TaskContext;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperationsTest {

    public static class Shapes {
        public void _task_ok(Map<String, Object> params, TaskContext context) {
        }

        public void _task_two_params(String a, String b) {
        }

        public void _task_context_first(TaskContext context, String params) {
        }

        public static void _task_static() {
        }

        public void _task_() {
        }

        public void helper() {
        }
    }

    private static Method method(String name) throws NoSuchMethodException {
        for (Method method : Shapes.class.getMethods()) {
            if (method.getName().equals(name)) {
                return method;
            }
        }
        throw new NoSuchMethodException(name);
    }

    @Test
    void onlyPublicInstanceMethodsWithTheTaskPrefixAndANameAreOperations() throws Exception {
        assertTrue(Operations.isOperation(method("_task_ok")));
        assertFalse(Operations.isOperation(method("_task_static")));
        assertFalse(Operations.isOperation(method("_task_")));
        assertFalse(Operations.isOperation(method("helper")));
        assertEquals("ok", Operations.workerName(method("_task_ok")));
    }

    @Test
    void atMostOneParamsArgumentFollowedOptionallyByTheContext() throws Exception {
        assertTrue(Operations.unsupportedSignature(method("_task_ok")).isEmpty());
        assertTrue(Operations.unsupportedSignature(method("_task_two_params")).isPresent());
        assertEquals("TaskContext must be the last parameter",
                Operations.unsupportedSignature(method("_task_context_first")).orElseThrow());
    }

    @Test
    void aReportLineIsRecognisedOnlyWithItsMarker() {
        String line = WorkerProtocol.reportLine("abc", "{\"passed\":true}");
        assertEquals("{\"passed\":true}", WorkerProtocol.reportJson("abc", line).orElseThrow());
        assertTrue(WorkerProtocol.reportJson("other", line).isEmpty());
        assertTrue(WorkerProtocol.reportJson("abc", "{\"passed\":true}").isEmpty());
    }
}
