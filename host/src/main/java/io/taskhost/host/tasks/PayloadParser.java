package io.taskhost.host.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads the seed's wire format, including what PHP's json_encode writes. */
final class PayloadParser {

    private final ObjectMapper mapper;
    private final String defaultClass;

    PayloadParser(ObjectMapper mapper, String defaultClass) {
        this.mapper = mapper;
        this.defaultClass = defaultClass;
    }

    Payload parse(byte[] bytes) throws BadPayloadException {
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
            throw new BadPayloadException("\"worker\" must be a non-empty string, not " + worker);
        }
        JsonNode taskClass = root.get("class");
        if (taskClass != null && !taskClass.isNull() && !taskClass.isTextual()) {
            throw new BadPayloadException("\"class\" must be a string, not " + taskClass);
        }
        String className = taskClass == null || taskClass.isNull() ? defaultClass : taskClass.asText();
        return new Payload(worker.asText(), className, root.get("params"));
    }
}
