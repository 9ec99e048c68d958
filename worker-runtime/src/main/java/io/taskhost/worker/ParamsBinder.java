package io.taskhost.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskContext;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

/** Turns a task's params into the arguments an operation declares. */
final class ParamsBinder {

    private final ObjectMapper mapper;

    ParamsBinder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Object[] bind(Method operation, JsonNode params, TaskContext context) {
        Type[] types = operation.getGenericParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = bindOne(types[i], params, context);
        }
        return args;
    }

    private Object bindOne(Type type, JsonNode params, TaskContext context) {
        if (type == TaskContext.class) {
            return context;
        }
        if (type == String.class) {
            return params == null ? "null" : params.toString();
        }
        JsonNode normalized = isNothing(params) ? mapper.createObjectNode() : params;
        if (type instanceof Class<?> raw && JsonNode.class.isAssignableFrom(raw) && raw.isInstance(normalized)) {
            return normalized;
        }
        return mapper.convertValue(normalized, mapper.constructType(type));
    }

    /** PHP's json_encode writes an empty array for "no params". */
    private static boolean isNothing(JsonNode params) {
        return params == null || params.isNull() || params.isMissingNode() || (params.isArray() && params.isEmpty());
    }
}
