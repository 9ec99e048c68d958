package io.taskhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class TaskOutcomeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TaskOutcome passed(String resultJson) throws Exception {
        return new TaskOutcome("MailTasks", "send", null, null, JSON.readTree(resultJson), null, false, List.of());
    }

    private static TaskOutcome threw(String type, String message) {
        return new TaskOutcome("MailTasks", "send", "exception", type + ": " + message, null,
                new TaskOutcome.ErrorInfo(type, message, type + ": " + message + "\n\tat MailTasks._task_send"),
                false, List.of("to stderr: sending"));
    }

    @Test
    void assertionsReturnTheOutcomeSoThatTheyChain() throws Exception {
        TaskOutcome outcome = passed("{\"sent\":true}");
        assertSame(outcome, outcome.assertPassed().assertResultJson("{\"sent\":true}"));
    }

    @Test
    void resultsCompareAsJsonTreesRegardlessOfKeyOrderAndWhiteSpace() throws Exception {
        passed("{\"a\":1,\"b\":[1,2]}").assertResultJson("{ \"b\": [1, 2], \"a\": 1 }");
        assertThrows(AssertionFailedError.class, () -> passed("{\"a\":1}").assertResultJson("{\"a\":1.0}"));
        assertThrows(AssertionFailedError.class, () -> passed("[1,2]").assertResultJson("[2,1]"));
    }

    @Test
    void aResultMismatchOffersBothSidesForADiff() throws Exception {
        var thrown = assertThrows(AssertionFailedError.class, () -> passed("{\"sent\":false}").assertResultJson("{\"sent\":true}"));
        assertEquals("{\n  \"sent\" : true\n}", thrown.getExpected().getStringRepresentation());
        assertEquals("{\n  \"sent\" : false\n}", thrown.getActual().getStringRepresentation());
    }

    @Test
    void aFailedPassedAssertionShowsTheCauseTheStackTraceAndTheOutput() {
        var thrown = assertThrows(AssertionFailedError.class, () -> threw("java.lang.IllegalStateException", "no SMTP").assertPassed());
        assertTrue(thrown.getMessage().startsWith("expected MailTasks.send to pass, but it failed (exception):"
                + " java.lang.IllegalStateException: no SMTP\njava.lang.IllegalStateException: no SMTP\n\tat MailTasks._task_send"),
                thrown.getMessage());
        assertTrue(thrown.getMessage().endsWith("worker output:\n  to stderr: sending"), thrown.getMessage());
    }

    @Test
    void failedWithMatchesTheTypeASupertypeOrAnUnloadableTypeByName() {
        threw("java.lang.IllegalStateException", "x").assertFailedWith(IllegalStateException.class)
                .assertFailedWith(RuntimeException.class);
        assertThrows(AssertionFailedError.class,
                () -> threw("java.lang.IllegalStateException", "x").assertFailedWith(IllegalArgumentException.class));
        assertThrows(AssertionFailedError.class,
                () -> threw("com.example.NotOnThisClassPath", "x").assertFailedWith(RuntimeException.class));
    }

    @Test
    void aPassedOutcomeFailsEveryFailureAssertion() throws Exception {
        TaskOutcome outcome = passed("1");
        assertThrows(AssertionFailedError.class, () -> outcome.assertFailed("exception"));
        assertThrows(AssertionFailedError.class, () -> outcome.assertFailedWith(Exception.class));
    }
}
