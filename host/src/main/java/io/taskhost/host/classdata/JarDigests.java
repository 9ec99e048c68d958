package io.taskhost.host.classdata;

import io.taskhost.host.plugins.JarDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 of each classpath jar's content. A jar is hashed once and remembered by its path, size and
 * modification time, so the launch path only stats it; a jar whose file name already is its SHA-256, as
 * the host's plugin-jar cache names them, is never read.
 */
final class JarDigests {

    private record Stamp(Path jar, long size, long modifiedMillis) {
    }

    private final Map<Stamp, String> digests = new ConcurrentHashMap<>();

    /** The jar's digest if it is already known for the jar as it is now; empty if it must be hashed first. */
    Optional<String> known(Path jar) throws IOException {
        Optional<String> byName = JarDigest.fromCachedName(jar);
        return byName.isPresent() ? byName : Optional.ofNullable(digests.get(stamp(jar)));
    }

    String digest(Path jar) throws IOException {
        Optional<String> known = known(jar);
        if (known.isPresent()) {
            return known.get();
        }
        Stamp before = stamp(jar);
        String digest = JarDigest.of(jar);
        if (before.equals(stamp(jar))) {
            digests.put(before, digest);
        }
        return digest;
    }

    private static Stamp stamp(Path jar) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        return new Stamp(jar, attributes.size(), attributes.lastModifiedTime().toMillis());
    }
}
