package io.taskhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed copies of plugin jars, named by their SHA-256. Workers run the copy, never
 * the file in plugins-dir, so replacing or deleting that file cannot disturb a running task. A copy is
 * written read-only, and trusted only while its content still matches its name: an existing copy is hashed
 * before it is reused, and {@link #intact} checks a copy before a worker uses it.
 */
final class JarCache {

    private static final Logger log = LoggerFactory.getLogger(JarCache.class);

    /** A cached jar and the digest that names it. */
    record CachedJar(String sha256, Path path) {
    }

    private final Path directory;
    private final VerifiedFiles verified;

    JarCache(Path directory) {
        this(directory, new VerifiedFiles(Clock.systemUTC()));
    }

    JarCache(Path directory, VerifiedFiles verified) {
        this.directory = directory;
        this.verified = verified;
    }

    /** Caches {@code source}: a copy already there is kept only if its content matches its name. */
    synchronized CachedJar put(Path source) throws IOException {
        Incoming incoming = copyIn(source);
        try {
            Path cached = directory.resolve(JarDigest.cachedName(incoming.sha256()));
            boolean present = Files.exists(cached, LinkOption.NOFOLLOW_LINKS);
            if (present && verified.holds(cached, incoming.sha256())) {
                VerifiedFiles.readOnly(cached);
                return new CachedJar(incoming.sha256(), cached);
            }
            if (present) {
                log.error("cached plugin jar {} does not hold the content its name says (SHA-256 {}): it was changed"
                        + " after it was cached; it is replaced by a new copy of {}", cached, incoming.sha256(), source);
            }
            moveInto(incoming.partial(), cached);
            return new CachedJar(incoming.sha256(), cached);
        } finally {
            Files.deleteIfExists(incoming.partial());
        }
    }

    /** Whether {@code cached}, a copy in this cache, still holds the content its name says; cheap while unchanged. */
    boolean intact(Path cached) throws IOException {
        return verified.holds(cached, expectedDigest(cached));
    }

    /**
     * Puts the genuine content back at {@code cached} from {@code source}, if it still has that content.
     *
     * @return false if it was intact after all, by the time this cache's lock was taken
     * @throws IOException if {@code source} now holds other content, so the genuine copy cannot be made again
     */
    synchronized boolean restore(Path cached, Path source) throws IOException {
        String expected = expectedDigest(cached);
        if (verified.holds(cached, expected)) {
            return false;
        }
        Incoming incoming = copyIn(source);
        try {
            if (!incoming.sha256().equals(expected)) {
                throw new IOException(source + " now has SHA-256 " + incoming.sha256() + ", so it cannot replace the"
                        + " copy of SHA-256 " + expected);
            }
            moveInto(incoming.partial(), cached);
            return true;
        } finally {
            Files.deleteIfExists(incoming.partial());
        }
    }

    private record Incoming(String sha256, Path partial) {
    }

    private Incoming copyIn(Path source) throws IOException {
        Files.createDirectories(directory);
        Path partial = Files.createTempFile(directory, "incoming-", ".part");
        try {
            MessageDigest sha256 = JarDigest.sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(source), sha256);
                 OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            }
            VerifiedFiles.readOnly(partial);
            return new Incoming(JarDigest.hex(sha256), partial);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** Moves a fresh copy to its name; it is hashed again at its first check, as the file is new. */
    private void moveInto(Path partial, Path cached) throws IOException {
        verified.forget(cached);
        Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String expectedDigest(Path cached) throws IOException {
        Optional<String> digest = JarDigest.fromCachedName(cached);
        if (digest.isEmpty()) {
            throw new IOException(cached + " is not a copy in the jar cache, whose names are SHA-256 digests");
        }
        return digest.get();
    }
}
