package io.taskhost.host.queue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A task as taskhost holds it in a processing list or the parked set: an id of its own, a colon,
 * then the payload's exact bytes. Identical payloads are common (PHP producers push the same
 * trigger again and again), so each is acknowledged, recovered, released or put back by its
 * entry, never by its bytes, and never takes an identical task with it.
 *
 * @param id      the attempt's id, a UUID, which the attempt's outcome record carries
 * @param payload the producer's bytes (not copied)
 * @param entry   the bytes Redis holds (not copied)
 */
public record TaskEntry(String id, byte[] payload, byte[] entry) {

    private static final int ID_LENGTH = 36;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** An entry with a new id. */
    public static TaskEntry create(byte[] payload) {
        return of(UUID.randomUUID().toString(), payload);
    }

    /** The entry for {@code payload} under {@code id}, as the fetch script builds it in Redis. */
    public static TaskEntry of(String id, byte[] payload) {
        byte[] prefix = (id + ":").getBytes(StandardCharsets.US_ASCII);
        if (prefix.length != ID_LENGTH + 1 || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("an entry id is a lower-case UUID, not " + id);
        }
        byte[] entry = Arrays.copyOf(prefix, prefix.length + payload.length);
        System.arraycopy(payload, 0, entry, prefix.length, payload.length);
        return new TaskEntry(id, payload, entry);
    }

    /**
     * Reads an entry as Redis holds it. A bare payload, as an earlier version of taskhost left in
     * a processing list, is read as an entry of its own with a new id, and is still found by its bytes.
     */
    public static TaskEntry read(byte[] entry) {
        if (entry.length > ID_LENGTH && entry[ID_LENGTH] == ':') {
            String id = new String(entry, 0, ID_LENGTH, StandardCharsets.ISO_8859_1);
            if (ID.matcher(id).matches()) {
                return new TaskEntry(id, Arrays.copyOfRange(entry, ID_LENGTH + 1, entry.length), entry);
            }
        }
        return new TaskEntry(UUID.randomUUID().toString(), entry, entry);
    }
}
