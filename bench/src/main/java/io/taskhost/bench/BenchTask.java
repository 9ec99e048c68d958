package io.taskhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The task the benchmark pushes, as a producer writes it: the fixtures plugin's noop by default,
 * or an operation of another plugin ({@code --task-class}, {@code --task-worker}, {@code --task-params}).
 */
record BenchTask(String taskClass, String worker, String paramsJson) {

    static final BenchTask NOOP = new BenchTask("Fixtures", "noop", "[]");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The producer's payload, {@code {"worker":…,"class":…,"params":…}}.
     *
     * @throws IllegalArgumentException when the params are not JSON
     */
    String payload() {
        ObjectNode payload = MAPPER.createObjectNode();
        payload.put("worker", worker);
        payload.put("class", taskClass);
        payload.set("params", params());
        return payload.toString();
    }

    private JsonNode params() {
        try {
            return MAPPER.readTree(paramsJson);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the task's params are not JSON: " + paramsJson, e);
        }
    }
}
