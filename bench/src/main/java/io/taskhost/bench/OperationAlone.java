package io.taskhost.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.taskhost.api.TaskContext;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task's operation in a JVM of its own with nothing of taskhost between: the params parsed from
 * JSON, the operation called once, the JVM ends. What a start of this costs is what the plugin's
 * own work costs in a fresh JVM, a cost no host that starts a JVM per task can go below. Its class
 * path is a worker's with a jar of this class and its nest alone in front ({@link OperationAloneStart}):
 * it uses plugin-api, jackson-core and the plugin, and nothing of the bench or the worker runtime.
 *
 * <p>Arguments: the Java class, the worker (the operation is {@code _task_<worker>}) and the params'
 * JSON. A JSON object goes to an operation that takes a {@code Map} (and perhaps a {@link TaskContext});
 * a JSON array to one that takes as many values, in order. Any other operation exits
 * {@value #UNSUPPORTED}.
 */
public final class OperationAlone {

    static final int UNSUPPORTED = 2;

    private OperationAlone() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName(args[0]);
        Object params;
        try (JsonParser parser = new JsonFactory().createParser(args[2])) {
            params = value(parser, parser.nextToken());
        }
        String method = "_task_" + args[1];
        Method operation = null;
        for (Method candidate : type.getMethods()) {
            if (candidate.getName().equals(method)) {
                operation = candidate;
            }
        }
        Object[] arguments = operation == null ? null : arguments(operation, params, type, args[1]);
        if (arguments == null) {
            System.err.println("measured only for a public operation that takes a Map of a JSON object, or the"
                    + " values of a JSON array, and perhaps a TaskContext: " + type.getName() + "." + method);
            System.exit(UNSUPPORTED);
        }
        try {
            operation.invoke(type.getConstructor().newInstance(), arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the operation failed", e.getCause());
        }
    }

    /** The arguments for {@code operation}, or null when its parameters take neither form. */
    private static Object[] arguments(Method operation, Object params, Class<?> type, String worker) {
        Class<?>[] parameters = operation.getParameterTypes();
        List<Object> values = new ArrayList<>();
        if (params instanceof List<?> list) {
            values.addAll(list);
        } else {
            values.add(params);
        }
        Object[] arguments = new Object[parameters.length];
        int next = 0;
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == TaskContext.class) {
                arguments[i] = new Context(type.getSimpleName(), worker);
            } else if (next < values.size() && (values.get(next) == null
                    || parameters[i].isInstance(values.get(next)))) {
                arguments[i] = values.get(next++);
            } else {
                return null;
            }
        }
        return next == values.size() ? arguments : null;
    }

    /** Objects as LinkedHashMaps, arrays as Lists, whole numbers as Long, others as Double. */
    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        // No switch on the token: it would compile to one more class, which the ceiling's jar would have to carry.
        if (token == JsonToken.START_OBJECT) {
            Map<String, Object> object = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                object.put(name, value(parser, parser.nextToken()));
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            List<Object> array = new ArrayList<>();
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                array.add(value(parser, element));
            }
            return array;
        }
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDoubleValue();
        }
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return parser.getBooleanValue();
        }
        return null;
    }

    private record Context(String taskClass, String worker) implements TaskContext {

        @Override
        public String taskId() {
            return "alone";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public System.Logger logger() {
            return System.getLogger(taskClass);
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.empty();
        }
    }
}
