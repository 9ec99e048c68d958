package io.taskhost.host.tasks;

/**
 * Whether the fetch loop is alive and not stuck, for a health check.
 *
 * @param detail what the loop is doing, or what is wrong with it
 */
public record FetchLoopStatus(boolean ok, String detail) {
}
