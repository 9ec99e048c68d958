package io.taskhost.host.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The bytes a schedule enqueues for one occurrence: its payload, with one more field, {@code _schedule}, that
 * says which schedule and occurrence it is, so that a task, an outcome's dead letter or a person reading the
 * queue can tell two runs apart. The producer's three fields are unchanged.
 */
final class ScheduledPayload {

    static final String FIELD = "_schedule";

    private ScheduledPayload() {
    }

    static byte[] of(Schedule schedule, Instant occurrence, boolean catchUp, ObjectMapper mapper) {
        ObjectNode payload = schedule.payload().deepCopy();
        ObjectNode about = payload.putObject(FIELD);
        about.put("name", schedule.name());
        about.put("occurrence", occurrence.toString());
        if (catchUp) {
            about.put("catchUp", true);
        }
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
