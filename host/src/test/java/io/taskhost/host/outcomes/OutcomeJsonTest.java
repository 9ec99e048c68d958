package io.taskhost.host.outcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.taskhost.worker.WorkerReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator's JSON must be byte for byte what databind made: the dashboard and the CLI read it. */
class OutcomeJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();
    private final OutcomeJson json = new OutcomeJson(mapper);

    @Test
    void aRecordWithEveryFieldIsWrittenAsDatabindWritesIt() throws Exception {
        var report = new WorkerReport(false, mapper.readTree("{\"partial\":[1,2.5,\"x\",null,{\"a\":true}]}"),
                new WorkerReport.ErrorInfo("java.lang.IllegalStateException", "bo\"om \u00e9\u2603\n\t\u0001", "trace"),
                1_000, 1_250, 42, false);
        OutcomeRecord record = OutcomeRecord.builder("id-1", "tasks", "host-a")
                .task("Mail\u0000", "send")
                .attempt(2, List.of(new PastAttempt("id-0", 1, "timeout", "slow", "host-b", 900),
                        new PastAttempt("id-00", 2, "died", null, "host-c", 950)))
                .routedTo(new OutcomeRecord.PluginRef("mail", "1.2.0", "abc", "mail.jar"), "mail.MailTasks")
                .method("_task_send")
                .fetchedAt(950)
                .totalMs(400)
                .process(42, -3, "spare", "bubblewrap")
                .reported(report)
                .failed(Cause.EXCEPTION, "java.lang.IllegalStateException: boom")
                .disposed(new Disposition.DeadLetter(new byte[0]), Boolean.TRUE, "quarantined \ud83d\ude00 as poison");

        assertSameAsDatabind(record);
    }

    @Test
    void aPassedReusedRecordIsWrittenAsDatabindWritesIt() throws Exception {
        var report = new WorkerReport(true, NullNode.getInstance(), null, Long.MAX_VALUE - 5, Long.MAX_VALUE, 7,
                false);
        OutcomeRecord record = OutcomeRecord.builder("c3d9c98c-92f5-4336-b78f-dbb43b92a623", "q", "h")
                .task("Fixtures", "noop")
                .attempt(1, List.of())
                .routedTo(new OutcomeRecord.PluginRef("fixtures", "0.1.0", "f44a", "fixtures.jar"), "f.Fixtures")
                .method("_task_noop")
                .fetchedAt(1_796_193_888_990L)
                .totalMs(3)
                .process(7, null, "reused", "none")
                .reported(report)
                .passed()
                .disposed(new Disposition.Completed(), null, null);

        assertSameAsDatabind(record);
    }

    @Test
    void recordsWithFewFieldsAreWrittenAsDatabindWritesThem() throws Exception {
        assertSameAsDatabind(OutcomeRecord.builder("id-1", "tasks", "host-a").attempt(1, List.of()).finishedAt(5)
                .failed(Cause.LAUNCH_FAILED, "could not start")
                .disposed(new Disposition.RetryLater(new byte[0], 7_000), null, "could not start"));
        assertSameAsDatabind(OutcomeRecord.builder("id-1", "tasks", "host-a").attempt(1, List.of()).passed()
                .disposed(new Disposition.Completed(), null, null));
        assertSameAsDatabind(OutcomeRecord.builder("id-2", "tasks", "host-a")
                .failed(Cause.BAD_PAYLOAD, "payload is not JSON"));
        assertSameAsDatabind(OutcomeRecord.builder("id-3", "tasks", "host-a").attempt(3, List.of()).passed()
                .disposed(new Disposition.Completed(), Boolean.FALSE, null));
    }

    /** As bytes, as the host wrote them: databind's UTF-8 generator escapes a surrogate pair, its String one does not. */
    private void assertSameAsDatabind(OutcomeRecord record) throws Exception {
        assertEquals(new String(mapper.writeValueAsBytes(record), StandardCharsets.UTF_8),
                new String(json.of(record), StandardCharsets.UTF_8));
    }
}
