package io.taskhost.host.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadParserTest {

    private final PayloadParser parser = new PayloadParser("TaskproModel", 1 << 20, 64);

    private Payload parse(String json) throws BadPayloadException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private String rejection(String json) {
        return assertThrows(BadPayloadException.class, () -> parse(json)).getMessage();
    }

    @Test
    void aPayloadWithoutClassGoesToTheDefaultClass() throws Exception {
        Payload payload = parse("{\"worker\":\"ping\",\"params\":[]}");
        assertEquals("TaskproModel", payload.taskClass());
        assertEquals("ping", payload.worker());
        assertTrue(payload.params().isArray());
    }

    @Test
    void phpEscapesAreDecoded() throws Exception {
        Payload payload = parse("{\"worker\":\"w\",\"class\":\"Mail\\/Tasks\",\"params\":{\"n\":\"\\u4e2d\"}}");
        assertEquals("Mail/Tasks", payload.taskClass());
        assertEquals("中", payload.params().path("n").asText());
    }

    @Test
    void somethingThatIsNotATaskSaysWhatIsWrong() {
        assertTrue(rejection("{\"worker\":").startsWith("not valid JSON"));
        assertTrue(rejection("[1,2]").startsWith("not a JSON object"));
        assertTrue(rejection("\"text\"").startsWith("not a JSON object"));
        assertTrue(rejection("").startsWith("not a JSON object"));
        assertTrue(rejection("{\"class\":\"A\"}").contains("no \"worker\""));
        assertTrue(rejection("{\"worker\":42}").contains("non-empty string"));
        assertTrue(rejection("{\"worker\":\"\"}").contains("non-empty string"));
        assertTrue(rejection("{\"worker\":\"w\",\"class\":[\"A\"]}").contains("\"class\" must be a string"));
    }

    @Test
    void trailingContentAfterTheObjectIsRejectedButTrailingWhitespaceIsNot() throws Exception {
        assertTrue(rejection("{\"worker\":\"boom\"} }").contains("trailing"));
        assertTrue(rejection("{\"worker\":\"boom\"}{\"worker\":\"other\"}").contains("trailing"));
        assertTrue(rejection("{\"worker\":\"boom\"} x").contains("trailing"));
        assertEquals("ok", parse("{\"worker\":\"ok\"}\n  \r\n").worker());
    }

    @Test
    void aMalformedTaskhostFieldIsABadPayload() {
        for (String own : new String[] {"{\"attempt\":\"abc\"}", "{\"attempt\":0}", "{\"attempt\":2.5}", "\"x\"", "[]",
                "{\"attempt\":2,\"history\":{}}", "{\"attempt\":2,\"history\":[1]}",
                "{\"attempt\":2,\"history\":[{\"attempt\":\"abc\"}]}",
                "{\"attempt\":2,\"history\":[{\"id\":\"a\",\"attempt\":1,\"cause\":\"exception\",\"at\":1,\"bogus\":1}]}",
                "{\"attempt\":2,\"surprise\":true}"}) {
            String message = rejection("{\"worker\":\"w\",\"_taskhost\":" + own + "}");
            assertTrue(message.contains("_taskhost"), own + " -> " + message);
        }
    }
}
