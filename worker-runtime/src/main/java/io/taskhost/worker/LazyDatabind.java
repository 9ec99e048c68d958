package io.taskhost.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * Everything a worker needs jackson-databind for, behind one ObjectMapper that is created the
 * first time an operation's parameter or result needs more than {@link NaturalJson}. Creating
 * the mapper and its first conversion load some 500 classes, which is most of a worker's start.
 */
final class LazyDatabind {

    private ObjectMapper mapper;

    LazyDatabind() {
    }

    LazyDatabind(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = WorkerMain.newMapper();
        }
        return mapper;
    }

    /** The params as databind binds them to {@code type}, an empty object standing in for no params. */
    Object bind(Type type, String paramsJson, boolean nothing) throws IOException {
        ObjectMapper mapper = mapper();
        JsonNode params = mapper.readTree(nothing ? "{}" : paramsJson);
        if (type instanceof Class<?> raw && JsonNode.class.isAssignableFrom(raw) && raw.isInstance(params)) {
            return params;
        }
        return mapper.convertValue(params, mapper.constructType(type));
    }

    /** {@code result} as the JSON text of the tree databind makes of it. */
    String write(Object result) throws IOException {
        ObjectMapper mapper = mapper();
        return mapper.writeValueAsString(mapper.valueToTree(result));
    }
}
