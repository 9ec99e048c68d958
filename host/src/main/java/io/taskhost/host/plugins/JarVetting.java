package io.taskhost.host.plugins;

import java.nio.file.Path;
import java.util.Optional;

/** Decides whether a jar may be loaded at all, before its trial load. */
@FunctionalInterface
public interface JarVetting {

    JarVetting TRUST_ALL = (directory, source, cachedCopy, sha256) -> Optional.empty();

    /**
     * Vetting by file permissions, an allowlist of digests and signatures, as {@code trust} says.
     *
     * @throws IllegalArgumentException if the keystore cannot be read
     */
    static JarVetting trusting(TrustSettings trust) {
        return new JarTrust(trust)::rejection;
    }

    /** @return why the jar must not be loaded, or empty if it may */
    Optional<String> rejection(Path directory, Path source, Path cachedCopy, String sha256);
}
