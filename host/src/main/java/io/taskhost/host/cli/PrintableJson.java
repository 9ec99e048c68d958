package io.taskhost.host.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.logging.ControlCharacters;

/**
 * The {@code --json} output of the commands: compact JSON in which every character that
 * {@link ControlCharacters} escapes is a JSON escape too. Jackson escapes those below U+0020
 * itself; DEL, the C1 controls, the line separators and the bidirectional overrides it writes
 * as they are, and they can only stand inside strings, where {@code \\uXXXX} means the same.
 */
final class PrintableJson {

    private PrintableJson() {
    }

    static String of(JsonNode json) {
        return ControlCharacters.escape(json.toString());
    }

    static String of(ObjectMapper mapper, Object value) throws JsonProcessingException {
        return ControlCharacters.escape(mapper.writeValueAsString(value));
    }
}
