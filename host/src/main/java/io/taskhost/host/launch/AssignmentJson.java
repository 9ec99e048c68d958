package io.taskhost.host.launch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.worker.TaskAssignment;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A task's assignment as the line of JSON databind makes of it (every field, in the record's order,
 * a null as null: {@code AssignmentJsonTest} holds them to the same bytes), written field by field with
 * jackson-core's generator instead of databind's bean serializer, once per task on the slot's thread.
 */
final class AssignmentJson {

    private final ObjectMapper mapper;

    AssignmentJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    byte[] of(TaskAssignment assignment) {
        try (var out = new ByteArrayBuilder(256);
             JsonGenerator json = mapper.createGenerator(out)) {
            json.writeStartObject();
            string(json, "taskId", assignment.taskId());
            json.writeNumberField("attempt", assignment.attempt());
            string(json, "taskClass", assignment.taskClass());
            string(json, "worker", assignment.worker());
            string(json, "javaClass", assignment.javaClass());
            string(json, "method", assignment.method());
            json.writeFieldName("params");
            if (assignment.params() == null) {
                json.writeNull();
            } else {
                mapper.writeValue(json, assignment.params());
            }
            json.writeFieldName("deadlineEpochMillis");
            if (assignment.deadlineEpochMillis() == null) {
                json.writeNull();
            } else {
                json.writeNumber(assignment.deadlineEpochMillis().longValue());
            }
            string(json, "reportMarker", assignment.reportMarker());
            json.writeEndObject();
            json.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize task " + assignment.taskId(), e);
        }
    }

    private static void string(JsonGenerator json, String name, String value) throws IOException {
        json.writeFieldName(name);
        if (value == null) {
            json.writeNull();
        } else {
            json.writeString(value);
        }
    }
}
