package io.taskhost.host.classdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The SHA-256 of each classpath jar's content. A jar is hashed once and remembered by its path, size and
 * modification time, so the launch path only stats it; a jar whose file name already is its SHA-256, as
 * the host's plugin-jar cache names them, is never read.
 */
final class JarDigests {

    private static final Pattern NAMED_BY_DIGEST = Pattern.compile("([0-9a-f]{64})\\.jar");

    private record Stamp(Path jar, long size, long modifiedMillis) {
    }

    private final Map<Stamp, String> digests = new ConcurrentHashMap<>();

    /** The jar's digest if it is already known for the jar as it is now; empty if it must be hashed first. */
    Optional<String> known(Path jar) throws IOException {
        var byName = NAMED_BY_DIGEST.matcher(jar.getFileName().toString());
        if (byName.matches()) {
            return Optional.of(byName.group(1));
        }
        return Optional.ofNullable(digests.get(stamp(jar)));
    }

    String digest(Path jar) throws IOException {
        Optional<String> known = known(jar);
        if (known.isPresent()) {
            return known.get();
        }
        Stamp before = stamp(jar);
        MessageDigest sha256 = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(jar), sha256)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        String digest = HexFormat.of().formatHex(sha256.digest());
        if (before.equals(stamp(jar))) {
            digests.put(before, digest);
        }
        return digest;
    }

    private static Stamp stamp(Path jar) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        return new Stamp(jar, attributes.size(), attributes.lastModifiedTime().toMillis());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
