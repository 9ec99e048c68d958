package io.taskhost.host.queue;

import java.util.List;
import java.util.function.Predicate;

/**
 * One call of a Lua script, as {@code EVAL} takes it, to run with others in one round trip.
 *
 * @param wrote whether a reply means the script wrote, so that replicas are waited for
 */
public record Script(byte[] body, List<byte[]> keys, List<byte[]> args, Predicate<Object> wrote) {
}
