package io.taskhost.host.payload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.Cause;
import io.taskhost.host.outcomes.PastAttempt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A payload split into the producer's bytes and taskhost's attempt history. The history travels
 * in one extra field, {@code "_taskhost"}, appended at the end of the JSON object, so the
 * producer's own fields keep their exact bytes through any number of retries, and a dead letter
 * or a manual retry gets the producer's original payload back.
 */
public final class TaskEnvelope {

    public static final String FIELD = "_taskhost";

    private static final Set<String> HISTORY_FIELDS = Set.of("id", "attempt", "cause", "reason", "host", "at");

    private final byte[] original;
    private final int attempt;
    private final List<PastAttempt> history;

    private TaskEnvelope(byte[] original, int attempt, List<PastAttempt> history) {
        this.original = original;
        this.attempt = attempt;
        this.history = List.copyOf(history);
    }

    /** A payload that has not been run yet, or that is not a JSON object: the bytes as they are. */
    public static TaskEnvelope firstRun(byte[] payload) {
        return new TaskEnvelope(payload, 1, List.of());
    }

    /**
     * Splits a payload that parsed as a JSON object.
     *
     * @param root the parsed payload, to read the history from without a second full parse
     * @throws MalformedException if its {@code _taskhost} field is not exactly what taskhost writes:
     *                            a forged or broken attempt count would retry it for ever
     */
    public static TaskEnvelope of(byte[] payload, JsonNode root, ObjectMapper mapper) throws MalformedException {
        JsonNode own = root.get(FIELD);
        if (own == null) {
            return firstRun(payload);
        }
        if (!own.isObject()) {
            throw new MalformedException("\"" + FIELD + "\" is taskhost's own field and must be an object, not "
                    + abbreviate(own));
        }
        for (var names = own.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("attempt") && !name.equals("history")) {
                throw new MalformedException("\"" + FIELD + "\" has a field taskhost never writes: " + name);
            }
        }
        JsonNode attempt = own.get("attempt");
        if (attempt == null || !attempt.isInt() || attempt.intValue() < 1) {
            throw new MalformedException("\"" + FIELD + ".attempt\" must be a whole number of at least 1, not "
                    + (attempt == null ? "missing" : abbreviate(attempt)));
        }
        JsonNode history = own.path("history");
        if (!history.isMissingNode() && !history.isArray()) {
            throw new MalformedException("\"" + FIELD + ".history\" must be an array, not " + abbreviate(history));
        }
        List<PastAttempt> past = new ArrayList<>();
        for (JsonNode entry : history) {
            past.add(pastAttempt(entry));
        }
        return new TaskEnvelope(withoutField(payload, mapper), attempt.intValue(), past);
    }

    /** One history entry, exactly as {@link #next} writes it: a person or a bug can have written anything. */
    private static PastAttempt pastAttempt(JsonNode entry) throws MalformedException {
        if (!entry.isObject()) {
            throw new MalformedException("an entry of \"" + FIELD + ".history\" must be an object, not "
                    + abbreviate(entry));
        }
        for (var names = entry.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!HISTORY_FIELDS.contains(name)) {
                throw new MalformedException("an entry of \"" + FIELD + ".history\" has a field taskhost never writes: "
                        + name);
            }
        }
        JsonNode id = entry.path("id");
        JsonNode attempt = entry.path("attempt");
        JsonNode cause = entry.path("cause");
        JsonNode reason = entry.path("reason");
        JsonNode host = entry.path("host");
        JsonNode at = entry.path("at");
        if (!id.isTextual() || !attempt.isInt() || attempt.intValue() < 1 || !cause.isTextual()
                || !(reason.isTextual() || reason.isNull() || reason.isMissingNode())
                || !(host.isTextual() || host.isNull() || host.isMissingNode()) || !at.isIntegralNumber()) {
            throw new MalformedException("an entry of \"" + FIELD + ".history\" is not what taskhost writes ({\"id\":"
                    + " text, \"attempt\": 1 or more, \"cause\": text, \"reason\": text, \"host\": text, \"at\": epoch"
                    + " millis}): " + abbreviate(entry));
        }
        return new PastAttempt(id.asText(), attempt.intValue(), cause.asText(), reason.textValue(), host.textValue(),
                at.longValue());
    }

    /**
     * Splits any payload; one that is not a JSON object, or whose {@code _taskhost} field is
     * malformed, is taken as it is, with no history.
     */
    public static TaskEnvelope read(byte[] payload, ObjectMapper mapper) {
        try {
            JsonNode root = mapper.readTree(payload);
            return root != null && root.isObject() ? of(payload, root, mapper) : firstRun(payload);
        } catch (IOException | RuntimeException | MalformedException e) {
            return firstRun(payload);
        }
    }

    /** Whether {@link #next} can carry a history: only a JSON object can. */
    public static boolean isObject(JsonNode root) {
        return root != null && root.isObject();
    }

    /** The producer's payload, byte for byte. */
    public byte[] original() {
        return original.clone();
    }

    /** The number of the run this payload is for: 1 for the first. */
    public int attempt() {
        return attempt;
    }

    public List<PastAttempt> history() {
        return history;
    }

    /**
     * How many earlier runs died ({@link Cause#death()}) rather than failed; a cause this version
     * does not know is not counted.
     */
    public int deaths() {
        return (int) history.stream()
                .filter(past -> Cause.ofCode(past.cause()).map(Cause::death).orElse(false))
                .count();
    }

    /** The payload for the next attempt: the producer's bytes plus the history, {@code failed} included. */
    public byte[] next(PastAttempt failed, ObjectMapper mapper) {
        List<PastAttempt> longer = new ArrayList<>(history);
        longer.add(failed);
        var own = mapper.createObjectNode();
        own.put("attempt", attempt + 1);
        own.set("history", mapper.valueToTree(longer));
        int close = rootEnd(original, mapper);
        var out = new ByteArrayOutputStream(original.length + 256);
        out.write(original, 0, close);
        out.writeBytes(((isEmptyObject(original, close) ? "\"" : ",\"") + FIELD + "\":").getBytes(StandardCharsets.UTF_8));
        try {
            out.writeBytes(mapper.writeValueAsBytes(own));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write(original, close, original.length - close);
        return out.toByteArray();
    }

    /** Where the root object's own closing brace is: whatever follows it, the history goes inside. */
    private static int rootEnd(byte[] payload, ObjectMapper mapper) {
        try (JsonParser parser = mapper.getFactory().createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("only a JSON object payload can carry a history");
            }
            parser.skipChildren();
            return (int) parser.currentTokenLocation().getByteOffset();
        } catch (IOException e) {
            throw new UncheckedIOException("a payload that parsed once failed to parse again", e);
        }
    }

    private static boolean isEmptyObject(byte[] payload, int close) {
        int before = skipWhitespaceBackwards(payload, close - 1);
        return payload[before] == '{';
    }

    /** A payload's {@code _taskhost} field is not what taskhost writes; the message says how. */
    public static final class MalformedException extends Exception {

        MalformedException(String message) {
            super(message);
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /** Cuts {@code ,"_taskhost":{...}} out of the top-level object, using the parser's byte offsets. */
    private static byte[] withoutField(byte[] payload, ObjectMapper mapper) {
        try (JsonParser parser = mapper.getFactory().createParser(payload)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                int nameAt = (int) parser.currentTokenLocation().getByteOffset();
                boolean ours = FIELD.equals(parser.currentName());
                parser.nextToken();
                parser.skipChildren();
                if (ours) {
                    int valueEnd = (int) parser.currentLocation().getByteOffset();
                    return cut(payload, nameAt, valueEnd);
                }
            }
            return payload;
        } catch (IOException e) {
            throw new UncheckedIOException("a payload that parsed once failed to parse again", e);
        }
    }

    private static byte[] cut(byte[] payload, int nameAt, int valueEnd) {
        int from = nameAt;
        int to = valueEnd;
        int before = skipWhitespaceBackwards(payload, nameAt - 1);
        if (payload[before] == ',') {
            from = skipWhitespaceBackwards(payload, before - 1) + 1;
        } else {
            int after = skipWhitespaceForwards(payload, valueEnd);
            if (payload[after] == ',') {
                to = skipWhitespaceForwards(payload, after + 1);
            }
        }
        var out = new ByteArrayOutputStream(payload.length);
        out.write(payload, 0, from);
        out.write(payload, to, payload.length - to);
        return out.toByteArray();
    }

    private static int skipWhitespaceBackwards(byte[] bytes, int index) {
        while (index > 0 && Character.isWhitespace(bytes[index])) {
            index--;
        }
        return index;
    }

    private static int skipWhitespaceForwards(byte[] bytes, int index) {
        while (index < bytes.length - 1 && Character.isWhitespace(bytes[index])) {
            index++;
        }
        return index;
    }
}
