package io.taskhost.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Reads the assignment line with jackson-core's streaming parser, with the leniency of the
 * databind reader it replaces: fields in any order, unknown ones skipped, missing ones null or 0.
 */
final class AssignmentReader {

    private final JsonFactory json;

    AssignmentReader(JsonFactory json) {
        this.json = json;
    }

    Assignment read(byte[] line, int length) throws IOException {
        try (JsonParser parser = json.createParser(line, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(parser, "a task assignment must be a JSON object");
            }
            String taskId = null;
            int attempt = 0;
            String taskClass = null;
            String worker = null;
            String javaClass = null;
            String method = null;
            String paramsJson = null;
            Long deadline = null;
            String marker = null;
            String field;
            while ((field = parser.nextFieldName()) != null) {
                parser.nextToken();
                switch (field) {
                    case "taskId" -> taskId = text(parser);
                    case "attempt" -> attempt = parser.getValueAsInt();
                    case "taskClass" -> taskClass = text(parser);
                    case "worker" -> worker = text(parser);
                    case "javaClass" -> javaClass = text(parser);
                    case "method" -> method = text(parser);
                    case "params" -> paramsJson = compact(parser);
                    case "deadlineEpochMillis" -> deadline = parser.currentToken() == JsonToken.VALUE_NULL
                            ? null : parser.getValueAsLong();
                    case "reportMarker" -> marker = text(parser);
                    default -> parser.skipChildren();
                }
            }
            return new Assignment(taskId, attempt, taskClass, worker, javaClass, method, paramsJson, deadline, marker);
        }
    }

    private static String text(JsonParser parser) throws IOException {
        if (parser.currentToken().isStructStart()) {
            throw new JsonParseException(parser, "expected text for " + parser.currentName());
        }
        return parser.getValueAsString();
    }

    /** The value re-written as a JsonNode's {@code toString()} writes it: no spaces, no needless escapes. */
    private String compact(JsonParser parser) throws IOException {
        var text = new StringWriter();
        try (JsonGenerator generator = json.createGenerator(text)) {
            generator.copyCurrentStructure(parser);
        }
        return text.toString();
    }
}
