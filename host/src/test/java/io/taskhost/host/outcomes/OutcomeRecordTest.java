package io.taskhost.host.outcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.worker.WorkerReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeRecordTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void everyFieldHasItsNameAndPlaceInTheJson() throws Exception {
        var report = new WorkerReport(false, mapper.readTree("{\"partial\":true}"),
                new WorkerReport.ErrorInfo("java.lang.IllegalStateException", "boom", "trace"), 1_000, 1_250, 42, false);
        OutcomeRecord record = OutcomeRecord.builder("id-1", "tasks", "host-a")
                .task("Mail", "send")
                .attempt(2, List.of(new PastAttempt("id-0", 1, "timeout", "slow", "host-b", 900)))
                .routedTo(new OutcomeRecord.PluginRef("mail", "1.2.0", "abc", "mail.jar"), "mail.MailTasks")
                .method("_task_send")
                .fetchedAt(950)
                .totalMs(400)
                .process(42, 3, "spare", "bubblewrap")
                .reported(report)
                .failed(Cause.EXCEPTION, "java.lang.IllegalStateException: boom")
                .disposed(new Disposition.DeadLetter(new byte[0]), Boolean.TRUE, "java.lang.IllegalStateException: boom;"
                        + " quarantined as poison");

        assertEquals("{\"id\":\"id-1\",\"status\":\"failed\",\"cause\":\"exception\",\"reason\":"
                + "\"java.lang.IllegalStateException: boom; quarantined as poison\",\"disposition\":\"dead_lettered\","
                + "\"quarantined\":true,\"queue\":\"tasks\",\"host\":\"host-a\",\"class\":\"Mail\",\"worker\":\"send\","
                + "\"attempt\":2,\"history\":[{\"id\":\"id-0\",\"attempt\":1,\"cause\":\"timeout\",\"reason\":\"slow\","
                + "\"host\":\"host-b\",\"at\":900}],\"plugin\":{\"id\":\"mail\",\"version\":\"1.2.0\",\"sha256\":\"abc\","
                + "\"jar\":\"mail.jar\"},\"javaClass\":\"mail.MailTasks\",\"method\":\"_task_send\",\"result\":"
                + "{\"partial\":true},\"error\":{\"type\":\"java.lang.IllegalStateException\",\"message\":\"boom\","
                + "\"stackTrace\":\"trace\"},\"fetchedAt\":950,\"startedAt\":1000,\"finishedAt\":1250,\"durationMs\":250,"
                + "\"totalMs\":400,\"pid\":42,\"exitCode\":3,\"launch\":\"spare\",\"sandbox\":\"bubblewrap\"}", mapper.writeValueAsString(record));
    }

    @Test
    void aRetryScheduledRecordSaysWhenItFallsDue() throws Exception {
        OutcomeRecord record = OutcomeRecord.builder("id-1", "tasks", "host-a")
                .attempt(1, List.of())
                .finishedAt(5)
                .failed(Cause.LAUNCH_FAILED, "could not start")
                .disposed(new Disposition.RetryLater(new byte[0], 7_000), null, "could not start");

        assertEquals("{\"id\":\"id-1\",\"status\":\"failed\",\"cause\":\"launch_failed\",\"reason\":\"could not start\","
                + "\"disposition\":\"retry_scheduled\",\"retryAt\":7000,\"queue\":\"tasks\",\"host\":\"host-a\","
                + "\"attempt\":1,\"finishedAt\":5}", mapper.writeValueAsString(record));
    }

    @Test
    void aPassedRecordHasNoCauseNorReason() throws Exception {
        OutcomeRecord record = OutcomeRecord.builder("id-1", "tasks", "host-a").attempt(1, List.of()).passed()
                .disposed(new Disposition.Completed(), null, null);

        assertEquals("{\"id\":\"id-1\",\"status\":\"passed\",\"disposition\":\"completed\",\"queue\":\"tasks\","
                + "\"host\":\"host-a\",\"attempt\":1}", mapper.writeValueAsString(record));
    }
}
