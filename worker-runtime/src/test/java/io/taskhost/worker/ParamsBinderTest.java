package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskContext;
import io.taskhost.api.TaskWorker;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsBinderTest {

    private final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final ParamsBinder binder = new ParamsBinder(mapper);
    private final TaskContext context = new WorkerContext(
            new TaskAssignment("t", 1, "C", "w", "x", "m", null, null, "k"), new StderrLogger("t", System.err));

    public record Mail(long user_id, String locale) {
    }

    public static class Worker implements TaskWorker {
        public void _task_map(Map<String, Object> params) {
        }

        public void _task_pojo(Mail mail, TaskContext context) {
        }

        public void _task_tree(JsonNode params) {
        }

        public void _task_raw(String params) {
        }

        public void _task_context(TaskContext context) {
        }
    }

    private static Method method(String name) {
        for (Method method : Worker.class.getMethods()) {
            if (method.getName().equals(name)) {
                return method;
            }
        }
        throw new AssertionError(name);
    }

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    @Test
    void phpEmptyArrayBindsAsAnEmptyMap() throws Exception {
        Object[] args = binder.bind(method("_task_map"), json("[]"), context);
        assertEquals(Map.of(), args[0]);
    }

    @Test
    void missingParamsBindAsAnEmptyMap() {
        Object[] args = binder.bind(method("_task_map"), null, context);
        assertEquals(Map.of(), args[0]);
    }

    @Test
    void aPojoAcceptsNumbersSentAsStringsAndIgnoresUnknownFields() throws Exception {
        Object[] args = binder.bind(method("_task_pojo"), json("{\"user_id\":\"42\",\"locale\":\"zh-TW\",\"x\":1}"),
                context);
        assertEquals(new Mail(42, "zh-TW"), args[0]);
        assertSame(context, args[1]);
    }

    @Test
    void aJsonNodeReceivesTheTree() throws Exception {
        Object[] args = binder.bind(method("_task_tree"), json("{\"tags\":[1,2]}"), context);
        assertEquals(2, ((JsonNode) args[0]).path("tags").size());
    }

    @Test
    void aStringReceivesTheParamsAsJsonText() throws Exception {
        assertEquals("[]", binder.bind(method("_task_raw"), json("[]"), context)[0]);
        assertEquals("{\"a\":\"b/c\"}", binder.bind(method("_task_raw"), json("{\"a\":\"b\\/c\"}"), context)[0]);
        assertEquals("null", binder.bind(method("_task_raw"), null, context)[0]);
    }

    @Test
    void aContextAloneIsSupported() {
        Object[] args = binder.bind(method("_task_context"), null, context);
        assertSame(context, args[0]);
        assertTrue(Operations.unsupportedSignature(method("_task_context")).isEmpty());
    }
}
