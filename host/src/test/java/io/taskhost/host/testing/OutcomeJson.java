package io.taskhost.host.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * An outcome record's JSON as stored, its fields in their stored order, with the values that change
 * from run to run (ids, hosts and queues named after the test, times, pids, the build's version and
 * digests, stack traces)
 * replaced by {@code "*"}: what is left pins which fields a kind of record has, and their values.
 */
public final class OutcomeJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> VARYING = List.of("id", "host", "queue", "retryAt", "fetchedAt", "startedAt",
            "finishedAt", "durationMs", "totalMs", "pid", "launch");
    private static final List<String> VARYING_IN_HISTORY = List.of("id", "host", "at");

    private OutcomeJson() {
    }

    public static String masked(String json) {
        try {
            ObjectNode record = (ObjectNode) MAPPER.readTree(json);
            mask(record, VARYING);
            if (record.get("plugin") instanceof ObjectNode plugin) {
                mask(plugin, List.of("version", "sha256"));
            }
            if (record.get("error") instanceof ObjectNode error) {
                mask(error, List.of("stackTrace"));
            }
            for (JsonNode past : record.path("history")) {
                mask((ObjectNode) past, VARYING_IN_HISTORY);
            }
            return MAPPER.writeValueAsString(record);
        } catch (IOException e) {
            throw new UncheckedIOException("not an outcome record: " + json, e);
        }
    }

    public static String masked(JsonNode record) {
        return masked(record.toString());
    }

    private static void mask(ObjectNode node, List<String> fields) {
        for (String field : fields) {
            if (node.has(field)) {
                node.put(field, "*");
            }
        }
    }
}
