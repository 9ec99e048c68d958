package io.taskhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Content-addressed copies of plugin jars, named by their SHA-256. Workers run the copy, never
 * the file in plugins-dir, so replacing or deleting that file cannot disturb a running task.
 */
final class JarCache {

    /** A cached jar and the digest that names it. */
    record CachedJar(String sha256, Path path) {
    }

    private final Path directory;

    JarCache(Path directory) {
        this.directory = directory;
    }

    CachedJar put(Path source) throws IOException {
        Files.createDirectories(directory);
        Path partial = Files.createTempFile(directory, "incoming-", ".part");
        try {
            MessageDigest sha256 = JarDigest.sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(source), sha256);
                 OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            }
            String digest = JarDigest.hex(sha256);
            Path cached = directory.resolve(JarDigest.cachedName(digest));
            if (Files.exists(cached)) {
                Files.delete(partial);
            } else {
                Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE);
            }
            return new CachedJar(digest, cached);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
