package io.taskhost.host.payload;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.payload.TaskEnvelope;

/**
 * A task as the producer wrote it: {@code {"worker": ..., "class": ..., "params": ...}}.
 *
 * @param taskClass the payload's {@code class}, or the configured default when it has none
 * @param params    the params node, or {@code null} when absent
 * @param envelope  the producer's bytes and taskhost's attempt history
 */
public record Payload(String worker, String taskClass, JsonNode params, TaskEnvelope envelope) {
}
