package io.taskhost.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * How one run of an operation ended, as the host would record it. The {@code assert} methods
 * fail the test with the whole outcome in the message, and return the outcome so that they chain:
 *
 * <pre>{@code
 * tasks.run("MailTasks", "send_welcome_mail", "{\"user_id\":42}")
 *      .assertPassed()
 *      .assertResultJson("{\"sent\":true}");
 * }</pre>
 *
 * @param taskClass     the {@code class} the task named
 * @param worker        the {@code worker} the task named
 * @param cause         {@code null} when the task passed; else the host's cause code: {@code exception},
 *                      {@code unknown_class}, {@code unknown_operation}, {@code timeout},
 *                      {@code out_of_memory}, {@code worker_killed}, {@code worker_exit},
 *                      {@code report_too_large} or {@code launch_failed}
 * @param reason        {@code null} when the task passed; else a sentence saying what went wrong
 * @param result        the operation's return value as JSON; {@code null} for {@code void}, a
 *                      {@code null} return and failures
 * @param error         what the operation threw, or {@code null}
 * @param unrecoverable whether it threw {@code UnrecoverableTaskException}, which the host never retries
 * @param output        the lines the worker JVM printed to stdout and stderr, its report excepted;
 *                      empty in process, where the operation prints to the test's own streams
 */
public record TaskOutcome(
        String taskClass,
        String worker,
        String cause,
        String reason,
        JsonNode result,
        ErrorInfo error,
        boolean unrecoverable,
        List<String> output) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An exception the operation threw, as the host's outcome record keeps it. */
    public record ErrorInfo(String type, String message, String stackTrace) {
    }

    public TaskOutcome {
        output = List.copyOf(output);
    }

    /** Whether the operation returned normally. */
    public boolean passed() {
        return cause == null;
    }

    /** Fails the test unless the operation returned normally. */
    public TaskOutcome assertPassed() {
        if (!passed()) {
            throw new AssertionFailedError("expected " + name() + " to pass, but it " + describe());
        }
        return this;
    }

    /**
     * Fails the test unless the task failed with this cause, such as {@code unknown_operation} or
     * {@code timeout}; see {@link #cause()}.
     */
    public TaskOutcome assertFailed(String expectedCause) {
        if (!expectedCause.equals(cause)) {
            throw new AssertionFailedError("expected " + name() + " to fail with cause " + expectedCause + ", but it "
                    + describe(), expectedCause, cause);
        }
        return this;
    }

    /**
     * Fails the test unless the operation threw an exception of this type or of a subtype. A
     * subtype is recognised when the test's class path has the thrown class; otherwise the
     * names must be equal.
     */
    public TaskOutcome assertFailedWith(Class<? extends Throwable> expected) {
        if (error == null || !isA(error.type(), expected)) {
            throw new AssertionFailedError("expected " + name() + " to throw " + expected.getName() + ", but it "
                    + describe(), expected.getName(), error == null ? null : error.type());
        }
        return this;
    }

    /**
     * Fails the test unless the result equals this JSON, compared as JSON trees: key order and
     * white space do not matter, types and numbers as written do ({@code 1} is not {@code 1.0}).
     * {@code "null"} expects no result.
     *
     * @throws IllegalArgumentException if {@code expectedJson} is not JSON
     */
    public TaskOutcome assertResultJson(String expectedJson) {
        JsonNode expected = parse(expectedJson);
        JsonNode actual = result == null ? NullNode.getInstance() : result;
        if (!expected.equals(actual)) {
            throw new AssertionFailedError("expected " + name() + " to return " + expected + ", but it "
                    + (passed() ? "returned " + actual : describe()), pretty(expected), pretty(actual));
        }
        return this;
    }

    @Override
    public String toString() {
        return name() + " " + describe();
    }

    private String name() {
        return taskClass + "." + worker;
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        if (passed()) {
            text.append("passed, returning ").append(result);
        } else {
            text.append("failed (").append(cause).append("): ").append(reason);
        }
        if (error != null && error.stackTrace() != null) {
            text.append('\n').append(error.stackTrace().stripTrailing());
        }
        if (!output.isEmpty()) {
            text.append("\nworker output:");
            output.forEach(line -> text.append("\n  ").append(line));
        }
        return text.toString();
    }

    private static boolean isA(String thrownType, Class<? extends Throwable> expected) {
        if (thrownType.equals(expected.getName())) {
            return true;
        }
        try {
            return expected.isAssignableFrom(
                    Class.forName(thrownType, false, Thread.currentThread().getContextClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    private static String pretty(JsonNode node) {
        return node.toPrettyString();
    }
}
