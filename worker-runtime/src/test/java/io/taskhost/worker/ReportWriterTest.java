package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ReportWriter writer = new ReportWriter(new JsonFactory());

    private void assertWrittenAsDatabindWritesTheRecord(Outcome outcome) throws Exception {
        var report = new WorkerReport(outcome.passed(),
                outcome.resultJson() == null ? null : mapper.readTree(outcome.resultJson()), outcome.error(),
                outcome.startedAt(), outcome.finishedAt(), outcome.pid(), outcome.unrecoverable());
        assertEquals(mapper.writeValueAsString(report), writer.json(outcome));
        WorkerReport read = mapper.readValue(writer.json(outcome), WorkerReport.class);
        assertEquals(report.error(), read.error());
        assertEquals(report.pid(), read.pid());
    }

    @Test
    void aPassedReportIsTheRecordAsDatabindWritesIt() throws Exception {
        assertWrittenAsDatabindWritesTheRecord(new Outcome(true, "{\"a\":[1,2.5,\"\u00e9\\\"\",null]}", null, 1, 2,
                3, false));
        assertWrittenAsDatabindWritesTheRecord(new Outcome(true, null, null, 1, 2, 3, false));
    }

    @Test
    void aFailedReportCarriesTheErrorAsDatabindWritesIt() throws Exception {
        var error = WorkerReport.ErrorInfo.of(new IllegalStateException("line\n\"quoted\" \u00e9"));
        assertWrittenAsDatabindWritesTheRecord(new Outcome(false, null, error, 1, 2, 3, true));
        assertWrittenAsDatabindWritesTheRecord(new Outcome(false, null, new WorkerReport.ErrorInfo("x", null, ""), 1,
                2, 3, false));
    }

    @Test
    void theReportLineStandsOnItsOwnLineBehindTheMarker() throws Exception {
        var out = new ByteArrayOutputStream();
        var outcome = new Outcome(true, "\"\u00e9\"", null, 1, 2, 3, false);
        writer.write(out, "abc", outcome);
        assertEquals("\n" + WorkerProtocol.reportLine("abc", writer.json(outcome)) + "\n",
                out.toString(StandardCharsets.UTF_8));
    }
}
