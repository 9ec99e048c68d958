package io.taskhost.host.tasks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.retries.TaskEnvelope;
import java.io.IOException;

/**
 * Reads the seed's wire format, including what PHP's json_encode writes, within limits that keep
 * a hostile or broken payload from costing the host memory or stack: a size cap and a nesting cap.
 */
final class PayloadParser {

    private final ObjectMapper mapper;
    private final String defaultClass;
    private final int maxBytes;

    PayloadParser(String defaultClass, int maxBytes, int maxDepth) {
        this.mapper = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build());
        this.defaultClass = defaultClass;
        this.maxBytes = maxBytes;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    Payload parse(byte[] bytes) throws BadPayloadException {
        if (bytes.length > maxBytes) {
            throw new BadPayloadException("larger than the cap of " + maxBytes + " bytes (" + bytes.length + ")");
        }
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadPayloadException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadPayloadException("unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadPayloadException("not a JSON object" + (root == null ? " (empty)" : " but " + root.getNodeType()));
        }
        JsonNode worker = root.get("worker");
        if (worker == null || worker.isNull()) {
            throw new BadPayloadException("no \"worker\" field: the operation to run is missing");
        }
        if (!worker.isTextual() || worker.asText().isEmpty()) {
            throw new BadPayloadException("\"worker\" must be a non-empty string, not " + abbreviate(worker));
        }
        JsonNode taskClass = root.get("class");
        if (taskClass != null && !taskClass.isNull() && !taskClass.isTextual()) {
            throw new BadPayloadException("\"class\" must be a string, not " + abbreviate(taskClass));
        }
        String className = taskClass == null || taskClass.isNull() ? defaultClass : taskClass.asText();
        return new Payload(worker.asText(), className, root.get("params"), TaskEnvelope.of(bytes, root, mapper));
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
