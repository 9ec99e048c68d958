package io.taskhost.worker;

/**
 * A {@link TaskAssignment} as a worker holds it: the params stay JSON text, so that only an
 * operation whose parameter needs jackson-databind makes the worker load it.
 *
 * @param paramsJson the params as compact JSON, or {@code null} when the assignment has none
 */
record Assignment(
        String taskId,
        int attempt,
        String taskClass,
        String worker,
        String javaClass,
        String method,
        String paramsJson,
        Long deadlineEpochMillis,
        String reportMarker) {
}
