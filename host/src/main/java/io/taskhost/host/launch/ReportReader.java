package io.taskhost.host.launch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.taskhost.worker.WorkerReport;
import io.taskhost.worker.WorkerReport.ErrorInfo;
import java.io.IOException;

/**
 * Reads a worker's report line into a {@link WorkerReport}, as databind does. The report the worker
 * runtime writes (its fields, in its order, of their types) is read field by field from jackson-core's
 * parser: databind's binding through the record's creator was about 1 % of the host's CPU per reused
 * task. Anything else a worker may send, an unknown or repeated field or a value of another type that
 * databind coerces, is left to databind, so that what a report means does not depend on this shortcut.
 */
final class ReportReader {

    private final ObjectMapper mapper;

    ReportReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** @throws JsonProcessingException if databind cannot read it either */
    WorkerReport read(String json) throws JsonProcessingException {
        try (JsonParser parser = mapper.createParser(json)) {
            WorkerReport report = plain(parser);
            if (report != null) {
                return report;
            }
        } catch (IOException e) {
            // Databind reads it again below, and says what is wrong with it.
        }
        return mapper.readValue(json, WorkerReport.class);
    }

    /** The report, or null when it is not one of the plain form the runtime writes. */
    private WorkerReport plain(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        boolean passed = false;
        JsonNode result = null;
        ErrorInfo error = null;
        long startedAt = 0;
        long finishedAt = 0;
        long pid = 0;
        boolean unrecoverable = false;
        int seen = 0;
        String name;
        while ((name = parser.nextFieldName()) != null) {
            int field = switch (name) {
                case "passed" -> 1;
                case "result" -> 2;
                case "error" -> 4;
                case "startedAt" -> 8;
                case "finishedAt" -> 16;
                case "pid" -> 32;
                case "unrecoverable" -> 64;
                default -> 0;
            };
            if (field == 0 || (seen & field) != 0) {
                return null;
            }
            seen |= field;
            JsonToken value = parser.nextToken();
            switch (field) {
                case 1 -> {
                    if (!value.isBoolean()) {
                        return null;
                    }
                    passed = value == JsonToken.VALUE_TRUE;
                }
                // Databind reads a null result as a NullNode, which the outcome record keeps as "result":null.
                case 2 -> result = value == JsonToken.VALUE_NULL ? NullNode.getInstance() : mapper.readTree(parser);
                case 4 -> {
                    if (value != JsonToken.VALUE_NULL) {
                        error = error(parser, value);
                        if (error == null) {
                            return null;
                        }
                    }
                }
                case 64 -> {
                    if (!value.isBoolean()) {
                        return null;
                    }
                    unrecoverable = value == JsonToken.VALUE_TRUE;
                }
                default -> {
                    if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return null;
                    }
                    long number = parser.getLongValue();
                    if (field == 8) {
                        startedAt = number;
                    } else if (field == 16) {
                        finishedAt = number;
                    } else {
                        pid = number;
                    }
                }
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
            return null;
        }
        return new WorkerReport(passed, result, error, startedAt, finishedAt, pid, unrecoverable);
    }

    /** The error's three strings, or null if it has anything else. */
    private static ErrorInfo error(JsonParser parser, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            return null;
        }
        String type = null;
        String message = null;
        String stackTrace = null;
        int seen = 0;
        String name;
        while ((name = parser.nextFieldName()) != null) {
            int field = switch (name) {
                case "type" -> 1;
                case "message" -> 2;
                case "stackTrace" -> 4;
                default -> 0;
            };
            if (field == 0 || (seen & field) != 0) {
                return null;
            }
            seen |= field;
            JsonToken value = parser.nextToken();
            if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                return null;
            }
            String text = value == JsonToken.VALUE_NULL ? null : parser.getText();
            if (field == 1) {
                type = text;
            } else if (field == 2) {
                message = text;
            } else {
                stackTrace = text;
            }
        }
        return parser.currentToken() == JsonToken.END_OBJECT ? new ErrorInfo(type, message, stackTrace) : null;
    }
}
