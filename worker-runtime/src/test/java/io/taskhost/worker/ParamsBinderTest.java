package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskContext;
import io.taskhost.api.TaskWorker;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsBinderTest {

    private final ObjectMapper mapper = WorkerMain.newMapper();
    private final ParamsBinder binder = new ParamsBinder(new NaturalJson(new JsonFactory()), new LazyDatabind());
    private final TaskContext context = new WorkerContext(
            new Assignment("t", 1, "C", "w", "x", "m", null, null, "k"), new StderrLogger("t", System.err));

    public record Mail(long user_id, String locale) {
    }

    public static class Worker implements TaskWorker {
        public void _task_map(Map<String, Object> params) {
        }

        @SuppressWarnings("rawtypes")
        public void _task_raw_map(Map params) {
        }

        public void _task_object(Object params) {
        }

        public void _task_typed_map(Map<String, Integer> params) {
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

    /** What the ObjectMapper-only binder gave before the fast path, for the params as the host sent them. */
    private Object asDatabindBinds(String operation, String paramsJson) throws Exception {
        JsonNode params = paramsJson == null ? null : mapper.readTree(paramsJson);
        boolean nothing = params == null || params.isNull() || (params.isArray() && params.isEmpty());
        return mapper.convertValue(nothing ? mapper.createObjectNode() : params,
                mapper.constructType(method(operation).getGenericParameterTypes()[0]));
    }

    @Test
    void mapObjectAndRawMapParamsBindAsTheObjectMapperBindsThem() throws Exception {
        List<String> samples = java.util.Arrays.asList(null, "null", "[]", "{}",
                "{\"s\":\"x\\u00e9/\",\"i\":1,\"l\":3000000000,\"big\":123456789012345678901234567890,"
                        + "\"d\":2.5,\"e\":1e300,\"neg\":-0.0,\"t\":true,\"f\":false,\"n\":null,"
                        + "\"list\":[1,[2,{\"k\":[]}],{}],\"o\":{\"nested\":{\"deeper\":\"yes\"}}}");
        for (String operation : List.of("_task_map", "_task_raw_map", "_task_object")) {
            for (String params : samples) {
                Object expected = asDatabindBinds(operation, params);
                Object actual = binder.bind(method(operation), params, context)[0];
                assertEquals(expected, actual, operation + " with " + params);
                assertEquals(expected.getClass(), actual.getClass(), operation + " with " + params);
            }
        }
    }

    @Test
    void anObjectParamReceivesAnyJsonValueNaturally() throws Exception {
        for (String params : List.of("[1,\"a\"]", "\"text\"", "7", "2.5", "true")) {
            assertEquals(asDatabindBinds("_task_object", params), binder.bind(method("_task_object"), params,
                    context)[0], params);
        }
    }

    @Test
    void phpEmptyArrayBindsAsAnEmptyMap() throws Exception {
        assertEquals(Map.of(), binder.bind(method("_task_map"), "[]", context)[0]);
    }

    @Test
    void missingParamsBindAsAnEmptyMap() throws Exception {
        assertEquals(Map.of(), binder.bind(method("_task_map"), null, context)[0]);
    }

    @Test
    void aTypedMapIsConvertedByDatabind() throws Exception {
        assertEquals(Map.of("a", 2), binder.bind(method("_task_typed_map"), "{\"a\":\"2\"}", context)[0]);
    }

    @Test
    void aPojoAcceptsNumbersSentAsStringsAndIgnoresUnknownFields() throws Exception {
        Object[] args = binder.bind(method("_task_pojo"), "{\"user_id\":\"42\",\"locale\":\"zh-TW\",\"x\":1}",
                context);
        assertEquals(new Mail(42, "zh-TW"), args[0]);
        assertSame(context, args[1]);
    }

    @Test
    void aJsonNodeReceivesTheTree() throws Exception {
        Object[] args = binder.bind(method("_task_tree"), "{\"tags\":[1,2]}", context);
        assertEquals(2, ((JsonNode) args[0]).path("tags").size());
        assertTrue(((JsonNode) binder.bind(method("_task_tree"), "[]", context)[0]).isObject());
    }

    @Test
    void aStringReceivesTheParamsAsJsonText() throws Exception {
        assertEquals("[]", binder.bind(method("_task_raw"), "[]", context)[0]);
        assertEquals("{\"a\":\"b/c\"}", binder.bind(method("_task_raw"), "{\"a\":\"b/c\"}", context)[0]);
        assertEquals("null", binder.bind(method("_task_raw"), null, context)[0]);
    }

    @Test
    void aContextAloneIsSupported() throws Exception {
        Object[] args = binder.bind(method("_task_context"), null, context);
        assertSame(context, args[0]);
        assertTrue(Operations.unsupportedSignature(method("_task_context")).isEmpty());
    }
}
