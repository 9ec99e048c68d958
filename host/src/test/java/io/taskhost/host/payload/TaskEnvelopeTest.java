package io.taskhost.host.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.outcomes.PastAttempt;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskEnvelopeTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private TaskEnvelope read(byte[] payload) throws Exception {
        return TaskEnvelope.of(payload, mapper.readTree(payload), mapper);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theProducersBytesSurviveAnyNumberOfRetriesExactly() throws Exception {
        byte[] producer = bytes("{\"worker\":\"send\",\"class\":\"Mail\\/Tasks\",\"params\":{\"n\":\"\\u4e2d\"},"
                + "\"extra\":[1, 2 ,3]}");
        TaskEnvelope envelope = read(producer);
        assertEquals(1, envelope.attempt());
        for (int i = 1; i <= 3; i++) {
            byte[] next = envelope.next(new PastAttempt("a" + i, i, "exception", "boom \"quoted\" ,\"_taskhost\":",
                    "h", i), mapper);
            envelope = read(next);
            assertEquals(i + 1, envelope.attempt());
            assertEquals(i, envelope.history().size());
            assertArrayEquals(producer, envelope.original());
            assertEquals("send", mapper.readTree(next).path("worker").asText());
        }
        assertEquals("a3", envelope.history().get(2).id());
    }

    @Test
    void deathsCountOnlyRunsThatDied() throws Exception {
        TaskEnvelope envelope = read(bytes("{\"worker\":\"w\"}"));
        envelope = read(envelope.next(new PastAttempt("1", 1, "exception", "", "h", 1), mapper));
        envelope = read(envelope.next(new PastAttempt("2", 2, "worker_killed", "", "h", 2), mapper));
        envelope = read(envelope.next(new PastAttempt("3", 3, "host_lost", "", "h", 3), mapper));
        assertEquals(2, envelope.deaths());
    }

    @Test
    void theFieldIsCutWhereverAnEarlierVersionOrAPersonPutIt() throws Exception {
        assertArrayEquals(bytes("{\"worker\":\"w\",\"params\":[]}"),
                read(bytes("{\"_taskhost\":{\"attempt\":2,\"history\":[]}, \"worker\":\"w\",\"params\":[]}")).original());
        assertArrayEquals(bytes("{\"worker\":\"w\",\"params\":[]}"),
                read(bytes("{\"worker\":\"w\" , \"_taskhost\" : {\"attempt\":3},\"params\":[]}")).original());
        assertEquals(3, read(bytes("{\"worker\":\"w\",\"_taskhost\":{\"attempt\":3}}")).attempt());
    }

    @Test
    void aPayloadThatIsNotAnObjectIsTakenAsItIs() {
        byte[] junk = {(byte) 0xff, '[', '1'};
        TaskEnvelope envelope = TaskEnvelope.read(junk, mapper);
        assertEquals(1, envelope.attempt());
        assertArrayEquals(junk, envelope.original());
    }
}
