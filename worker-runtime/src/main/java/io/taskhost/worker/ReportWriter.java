package io.taskhost.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Writes an outcome as the report line the host reads into a {@link WorkerReport}: the same
 * fields in the same order as databind writes that record, from jackson-core's generator.
 */
final class ReportWriter {

    private final JsonFactory json;

    ReportWriter(JsonFactory json) {
        this.json = json;
    }

    /**
     * Writes the report line in one write, after an empty line in case the operation left its
     * last stdout line unfinished.
     */
    void write(OutputStream out, String marker, Outcome outcome) throws IOException {
        String line = '\n' + WorkerProtocol.reportLine(marker, json(outcome)) + '\n';
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String json(Outcome outcome) throws IOException {
        var text = new StringWriter();
        try (JsonGenerator generator = json.createGenerator(text)) {
            generator.writeStartObject();
            generator.writeBooleanField("passed", outcome.passed());
            generator.writeFieldName("result");
            if (outcome.resultJson() == null) {
                generator.writeNull();
            } else {
                generator.writeRawValue(outcome.resultJson());
            }
            generator.writeFieldName("error");
            WorkerReport.ErrorInfo error = outcome.error();
            if (error == null) {
                generator.writeNull();
            } else {
                generator.writeStartObject();
                generator.writeStringField("type", error.type());
                generator.writeStringField("message", error.message());
                generator.writeStringField("stackTrace", error.stackTrace());
                generator.writeEndObject();
            }
            generator.writeNumberField("startedAt", outcome.startedAt());
            generator.writeNumberField("finishedAt", outcome.finishedAt());
            generator.writeNumberField("pid", outcome.pid());
            generator.writeBooleanField("unrecoverable", outcome.unrecoverable());
            generator.writeEndObject();
        }
        return text.toString();
    }
}
