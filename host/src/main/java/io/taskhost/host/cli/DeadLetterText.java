package io.taskhost.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.taskhost.host.failures.DeadLetter;
import io.taskhost.host.logging.ControlCharacters;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How the {@code failed} commands print dead letters, for people and as JSON. A dead letter's
 * text comes from a payload, a plugin or a worker's output, so its control characters are
 * escaped: a line break in a task's class cannot start a line of its own, and no escape sequence
 * reaches the terminal.
 */
final class DeadLetterText {

    static final int REASON_WIDTH = 100;

    private static final Set<String> SHOWN_OR_TIMING = Set.of("id", "status", "cause", "reason", "queue", "host",
            "class", "worker", "attempt", "plugin", "javaClass", "method", "error", "fetchedAt", "startedAt",
            "finishedAt", "durationMs", "totalMs", "pid", "exitCode", "launch", "sandbox", "disposition", "retryAt", "quarantined", "history");

    private DeadLetterText() {
    }

    /** {@code id  finishedAt  class.worker  cause  reason}, the reason cut to one short line. */
    static String line(DeadLetter letter) {
        String finishedAt = letter.finishedAt().map(at -> at.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-");
        return ControlCharacters.escape(String.join("  ", letter.id(), finishedAt, letter.task(),
                orDash(letter.cause()), shortened(letter.reason())));
    }

    /** Field by field, then the stack trace and the payload; the last line has no line break. */
    static String details(DeadLetter letter) {
        JsonNode record = letter.record();
        var text = new StringBuilder();
        field(text, "id", letter.id());
        field(text, "status", value(record, "status"));
        field(text, "cause", value(record, "cause"));
        block(text, "reason", value(record, "reason"));
        field(text, "task", letter.task() + value(record, "attempt").map(n -> " (attempt " + n + ")").orElse(""));
        field(text, "queue", value(record, "queue"));
        field(text, "host", value(record, "host"));
        field(text, "plugin", plugin(record.path("plugin")));
        field(text, "code", value(record, "javaClass").map(type -> type + value(record, "method").map(m -> "#" + m)
                .orElse("")));
        field(text, "finished", letter.finishedAt().map(at -> at + timings(record)));
        field(text, "worker", worker(record));
        JsonNode error = record.path("error");
        block(text, "error", value(error, "type").map(type -> type + value(error, "message").map(m -> ": " + m)
                .orElse("")));
        field(text, "outcome", value(record, "disposition").map(disposition -> disposition
                + (record.path("quarantined").asBoolean() ? ", quarantined as poison" : "")));
        List<String> earlier = new ArrayList<>();
        record.path("history").forEach(past -> earlier.add(ControlCharacters.escape("attempt "
                + past.path("attempt").asText("?") + " on " + past.path("host").asText("?") + ": "
                + past.path("cause").asText("?") + ": " + shortened(past.path("reason").asText("")))));
        block(text, "earlier", earlier.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", earlier)));
        List<String> others = new ArrayList<>();
        record.fieldNames().forEachRemaining(name -> {
            if (!SHOWN_OR_TIMING.contains(name)) {
                others.add(name);
            }
        });
        field(text, "also", others.isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", others) + " (see --json)"));
        value(error, "stackTrace").ifPresent(trace -> {
            text.append("\nstack trace:\n");
            lines(trace.strip()).forEach(line -> text.append("  ").append(line).append('\n'));
        });
        text.append('\n').append(payload(letter));
        return text.toString();
    }

    /** The records as a JSON array, each exactly as stored. */
    static String json(List<DeadLetter> letters) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        letters.forEach(letter -> array.add(record(letter)));
        return PrintableJson.of(array);
    }

    /** {@code {"record": ..., "payload": text or null when not UTF-8, "payloadBase64": ...}}. */
    static String json(DeadLetter letter) {
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        shown.set("record", record(letter));
        shown.put("payload", letter.payloadText().orElse(null));
        shown.put("payloadBase64", Base64.getEncoder().encodeToString(letter.payload()));
        return PrintableJson.of(shown);
    }

    /**
     * The record exactly as stored, which keeps numbers as written; unless the stored text holds a
     * character to escape, which might stand between tokens, where an escape would not be JSON.
     */
    private static JsonNode record(DeadLetter letter) {
        String stored = letter.recordJson();
        return stored.equals(ControlCharacters.escape(stored))
                ? JsonNodeFactory.instance.rawValueNode(new RawValue(stored)) : letter.record();
    }

    /** The payload's lines as they are, but no other control character; the last line has no line break. */
    private static String payload(DeadLetter letter) {
        int size = letter.payload().length;
        return letter.payloadText()
                .map(text -> "payload (" + size + " bytes):\n" + ControlCharacters.escapeKeepingLines(text))
                .orElseGet(() -> "payload (" + size + " bytes, not valid UTF-8, so invalid bytes show as U+FFFD;"
                        + " base64 " + Base64.getEncoder().encodeToString(letter.payload()) + "):\n"
                        + ControlCharacters.escapeKeepingLines(new String(letter.payload(), StandardCharsets.UTF_8)));
    }

    /** Split at line breaks only, each line escaped, so that a {@code \r} shows. */
    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).map(ControlCharacters::escape).toList();
    }

    private static Optional<String> plugin(JsonNode plugin) {
        return value(plugin, "id").map(id -> id
                + value(plugin, "version").map(version -> " " + version).orElse("")
                + value(plugin, "jar").map(jar -> ", " + jar).orElse("")
                + value(plugin, "sha256").map(sha -> ", sha256 " + sha).orElse(""));
    }

    private static String timings(JsonNode record) {
        List<String> timings = new ArrayList<>();
        value(record, "durationMs").ifPresent(ms -> timings.add("ran " + ms + " ms"));
        value(record, "totalMs").ifPresent(ms -> timings.add(ms + " ms after fetch"));
        return timings.isEmpty() ? "" : " (" + String.join(", ", timings) + ")";
    }

    private static Optional<String> worker(JsonNode record) {
        List<String> facts = new ArrayList<>();
        value(record, "pid").ifPresent(pid -> facts.add("pid " + pid));
        value(record, "exitCode").ifPresent(code -> facts.add("exit code " + code));
        value(record, "launch").ifPresent(launch -> facts.add(launch + " JVM"));
        value(record, "sandbox").ifPresent(sandbox -> facts.add("sandbox " + sandbox));
        return facts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", facts));
    }

    /** A field of one line, whatever line breaks its value holds. */
    private static void field(StringBuilder text, String label, Optional<String> value) {
        value.ifPresent(shown -> text.append(String.format("%-9s %s\n", label, ControlCharacters.escape(shown))));
    }

    /** A field whose value may have several lines: the further ones are indented under the first. */
    private static void block(StringBuilder text, String label, Optional<String> value) {
        value.ifPresent(shown -> text.append(String.format("%-9s %s\n", label,
                String.join("\n" + " ".repeat(10), lines(shown)))));
    }

    private static void field(StringBuilder text, String label, String value) {
        field(text, label, Optional.of(value));
    }

    private static Optional<String> value(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isEmpty()
                ? Optional.of(value.asText()) : Optional.empty();
    }

    private static String shortened(String reason) {
        String oneLine = reason.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= REASON_WIDTH ? oneLine : oneLine.substring(0, REASON_WIDTH - 1) + "…";
    }

    private static String orDash(String text) {
        return text.isEmpty() ? "-" : text;
    }
}
