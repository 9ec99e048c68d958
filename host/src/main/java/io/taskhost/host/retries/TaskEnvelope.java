package io.taskhost.host.retries;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** Causes that mean the task's process died rather than failed: they count towards poison. */
    static final Set<String> DEATHS = Set.of("worker_exit", "worker_killed", "out_of_memory", "timeout", "host_lost");

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
     */
    public static TaskEnvelope of(byte[] payload, JsonNode root, ObjectMapper mapper) {
        JsonNode own = root.get(FIELD);
        if (own == null) {
            return firstRun(payload);
        }
        List<PastAttempt> history = new ArrayList<>();
        for (JsonNode past : own.path("history")) {
            history.add(mapper.convertValue(past, PastAttempt.class));
        }
        return new TaskEnvelope(withoutField(payload, mapper), Math.max(1, own.path("attempt").asInt(1)), history);
    }

    /** Splits any payload; one that is not a JSON object is taken as it is, with no history. */
    public static TaskEnvelope read(byte[] payload, ObjectMapper mapper) {
        try {
            JsonNode root = mapper.readTree(payload);
            return root != null && root.isObject() ? of(payload, root, mapper) : firstRun(payload);
        } catch (IOException | RuntimeException e) {
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

    /** How many earlier runs died (worker exit, kill, timeout, lost host) rather than failed. */
    public int deaths() {
        return (int) history.stream().filter(past -> DEATHS.contains(past.cause())).count();
    }

    /** The payload for the next attempt: the producer's bytes plus the history, {@code failed} included. */
    public byte[] next(PastAttempt failed, ObjectMapper mapper) {
        List<PastAttempt> longer = new ArrayList<>(history);
        longer.add(failed);
        var own = mapper.createObjectNode();
        own.put("attempt", attempt + 1);
        own.set("history", mapper.valueToTree(longer));
        int close = lastIndexOf(original, (byte) '}');
        var out = new ByteArrayOutputStream(original.length + 256);
        out.write(original, 0, close);
        out.writeBytes((",\"" + FIELD + "\":").getBytes(StandardCharsets.UTF_8));
        try {
            out.writeBytes(mapper.writeValueAsBytes(own));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write(original, close, original.length - close);
        return out.toByteArray();
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

    private static int lastIndexOf(byte[] bytes, byte wanted) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        throw new IllegalArgumentException("a JSON object payload has no closing brace");
    }
}
