package io.taskhost.host.outcomes;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An outcome record as the JSON databind makes of it ({@code OutcomeRecordTest} pins that form: the
 * record's fields in their order, those that are null left out), written field by field with
 * jackson-core's generator. Databind's bean serializer, which walks its property writers for each
 * record, was about 5 % of the host's CPU per reused task; the record's few nested values that are
 * not plain (the operation's result, its error, the attempt history) still go through {@code mapper}.
 */
final class OutcomeJson {

    private final ObjectMapper mapper;

    OutcomeJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    byte[] of(OutcomeRecord outcome) {
        try (var out = new ByteArrayBuilder(512);
             JsonGenerator json = mapper.createGenerator(out)) {
            write(json, outcome);
            json.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the outcome of task " + outcome.id(), e);
        }
    }

    private void write(JsonGenerator json, OutcomeRecord r) throws IOException {
        json.writeStartObject();
        string(json, "id", r.id());
        string(json, "status", r.status());
        string(json, "cause", r.cause() == null ? null : r.cause().code());
        string(json, "reason", r.reason());
        string(json, "disposition", r.disposition());
        number(json, "retryAt", r.retryAt());
        if (r.quarantined() != null) {
            json.writeBooleanField("quarantined", r.quarantined());
        }
        string(json, "queue", r.queue());
        string(json, "host", r.host());
        string(json, "class", r.taskClass());
        string(json, "worker", r.worker());
        number(json, "attempt", r.attempt());
        nested(json, "history", r.history());
        if (r.plugin() != null) {
            OutcomeRecord.PluginRef plugin = r.plugin();
            json.writeObjectFieldStart("plugin");
            string(json, "id", plugin.id());
            string(json, "version", plugin.version());
            string(json, "sha256", plugin.sha256());
            string(json, "jar", plugin.jar());
            json.writeEndObject();
        }
        string(json, "javaClass", r.javaClass());
        string(json, "method", r.method());
        nested(json, "result", r.result());
        nested(json, "error", r.error());
        number(json, "fetchedAt", r.fetchedAt());
        number(json, "startedAt", r.startedAt());
        number(json, "finishedAt", r.finishedAt());
        number(json, "durationMs", r.durationMs());
        number(json, "totalMs", r.totalMs());
        number(json, "pid", r.pid());
        number(json, "exitCode", r.exitCode());
        string(json, "launch", r.launch());
        string(json, "sandbox", r.sandbox());
        json.writeEndObject();
    }

    private static void string(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    private static void number(JsonGenerator json, String name, Number value) throws IOException {
        if (value instanceof Integer i) {
            json.writeNumberField(name, i.intValue());
        } else if (value != null) {
            json.writeNumberField(name, value.longValue());
        }
    }

    /** A value databind writes as it did inside the record: a plugin's result is any JSON. */
    private void nested(JsonGenerator json, String name, Object value) throws IOException {
        if (value != null) {
            json.writeFieldName(name);
            mapper.writeValue(json, value);
        }
    }
}
