package io.taskhost.host.failures;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * One dead letter: the outcome record of the attempt that failed, and the payload as it was pushed.
 *
 * @param id         the dead-letter id, the same as the record's {@code id}
 * @param recordJson the record exactly as stored, with any fields this version does not know
 * @param record     the same record, parsed
 * @param payload    the payload's original bytes (not copied)
 */
public record DeadLetter(String id, String recordJson, JsonNode record, byte[] payload) {

    public static final String UNPARSED_PAYLOAD = "(unparsed payload)";

    /** {@code class.worker}; only the worker when the payload named no class; {@link #UNPARSED_PAYLOAD} without a worker. */
    public String task() {
        String worker = text("worker");
        if (worker == null) {
            return UNPARSED_PAYLOAD;
        }
        String taskClass = text("class");
        return taskClass == null ? worker : taskClass + "." + worker;
    }

    public Optional<Instant> finishedAt() {
        JsonNode finishedAt = record.path("finishedAt");
        return finishedAt.canConvertToLong() ? Optional.of(Instant.ofEpochMilli(finishedAt.asLong())) : Optional.empty();
    }

    /** The cause code, or an empty string when the record has none. */
    public String cause() {
        return record.path("cause").asText("");
    }

    /** The reason, or an empty string when the record has none. */
    public String reason() {
        return record.path("reason").asText("");
    }

    /** The payload decoded as UTF-8, or empty when its bytes are not valid UTF-8. */
    public Optional<String> payloadText() {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private String text(String field) {
        JsonNode value = record.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isEmpty() ? value.asText() : null;
    }
}
