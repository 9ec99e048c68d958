package io.taskhost.host.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.payload.TaskEnvelope;
import java.io.IOException;

/**
 * Reads the seed's wire format, including what PHP's json_encode writes, within limits that keep
 * a hostile or broken payload from costing the host memory or stack: a size cap and a nesting cap.
 * A payload is one JSON object and nothing after it but whitespace; taskhost's own
 * {@code _taskhost} field in it must be exactly what taskhost writes.
 */
public final class PayloadParser {

    private final ObjectMapper mapper;
    private final String defaultClass;
    private final int maxBytes;

    public PayloadParser(String defaultClass, int maxBytes, int maxDepth) {
        this.mapper = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build());
        this.defaultClass = defaultClass;
        this.maxBytes = maxBytes;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public Payload parse(byte[] bytes) throws BadPayloadException {
        if (bytes.length > maxBytes) {
            throw new BadPayloadException("larger than the cap of " + maxBytes + " bytes (" + bytes.length + ")");
        }
        JsonNode root = readObject(bytes);
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
        try {
            return new Payload(worker.asText(), className, root.get("params"), TaskEnvelope.of(bytes, root, mapper));
        } catch (TaskEnvelope.MalformedException e) {
            throw new BadPayloadException(e.getMessage());
        }
    }

    private JsonNode readObject(byte[] bytes) throws BadPayloadException {
        JsonNode root;
        try (JsonParser parser = mapper.getFactory().createParser(bytes)) {
            root = mapper.readTree(parser);
            if (root != null && hasMore(parser)) {
                throw new BadPayloadException("has trailing content after its JSON value; a payload is one JSON object"
                        + " and nothing after it but whitespace");
            }
        } catch (JsonProcessingException e) {
            throw new BadPayloadException("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadPayloadException("unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadPayloadException("not a JSON object" + (root == null ? " (empty)" : " but " + root.getNodeType()));
        }
        return root;
    }

    /** Whether anything but whitespace follows the value just read, even something that is not JSON. */
    private static boolean hasMore(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            return true;
        }
    }

    static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
