package io.taskhost.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the host sends a worker JVM on its stdin, as one line of JSON: which operation of which
 * TaskWorker class to run, with which params. The host fills {@code javaClass} and {@code method}
 * from its routing table, never from the payload.
 *
 * @param reportMarker a per-launch secret that prefixes the report line on stdout, so that plugin
 *                     output can never be mistaken for a report
 * @param deadlineEpochMillis when the host stops waiting, or {@code null} for no limit
 */
public record TaskAssignment(
        String taskId,
        int attempt,
        String taskClass,
        String worker,
        String javaClass,
        String method,
        JsonNode params,
        Long deadlineEpochMillis,
        String reportMarker) {
}
