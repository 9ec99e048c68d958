package io.taskhost.worker;

import io.taskhost.api.TaskContext;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a task's params into the arguments an operation declares. A {@code String}, an
 * {@code Object}, a raw {@code Map} or a {@code Map<String, Object>} is bound from jackson-core
 * alone; any other type goes through databind, with the same outcome either way.
 */
final class ParamsBinder {

    private final NaturalJson natural;
    private final LazyDatabind databind;

    ParamsBinder(NaturalJson natural, LazyDatabind databind) {
        this.natural = natural;
        this.databind = databind;
    }

    Object[] bind(Method operation, String paramsJson, TaskContext context) throws IOException {
        return bind(operation.getGenericParameterTypes(), paramsJson, context);
    }

    /** As {@link #bind(Method, String, TaskContext)}, for an operation whose generic parameter types are {@code types}. */
    Object[] bind(Type[] types, String paramsJson, TaskContext context) throws IOException {
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = bindOne(types[i], paramsJson, context);
        }
        return args;
    }

    private Object bindOne(Type type, String paramsJson, TaskContext context) throws IOException {
        if (type == TaskContext.class) {
            return context;
        }
        if (type == String.class) {
            return paramsJson == null ? "null" : paramsJson;
        }
        boolean nothing = isNothing(paramsJson);
        if (type == Object.class) {
            return nothing ? new LinkedHashMap<>() : natural.read(paramsJson);
        }
        if (isMapOfAnything(type)) {
            if (nothing) {
                return new LinkedHashMap<>();
            }
            Object value = natural.read(paramsJson);
            if (value instanceof Map) {
                return value;
            }
        }
        return databind.bind(type, paramsJson, nothing);
    }

    /** Whether a parameter of {@code type} is bound without databind (for params that are a JSON object). */
    static boolean bindsWithoutDatabind(Type type) {
        return type == TaskContext.class || type == String.class || type == Object.class || isMapOfAnything(type);
    }

    /** PHP's json_encode writes an empty array for "no params"; the text is compact, so "[]" is the only spelling. */
    private static boolean isNothing(String paramsJson) {
        return paramsJson == null || paramsJson.equals("null") || paramsJson.equals("[]");
    }

    private static boolean isMapOfAnything(Type type) {
        if (type == Map.class) {
            return true;
        }
        return type instanceof ParameterizedType map && map.getRawType() == Map.class
                && map.getActualTypeArguments()[0] == String.class && map.getActualTypeArguments()[1] == Object.class;
    }
}
