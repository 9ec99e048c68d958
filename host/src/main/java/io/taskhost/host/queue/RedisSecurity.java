package io.taskhost.host.queue;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Whom a {@code rediss://} connection trusts: a truststore (PKCS12 or JKS) with its optional
 * password, or a PEM CA certificate; with neither, the JVM's default truststore. Its
 * {@link #toString()} never shows the password, so it can be logged with the configuration.
 */
public record RedisSecurity(Optional<Path> truststore, Optional<String> truststorePassword, Optional<Path> caCert) {

    public static final RedisSecurity NONE = new RedisSecurity(Optional.empty(), Optional.empty(), Optional.empty());

    public RedisSecurity {
        if (truststore.isPresent() && caCert.isPresent()) {
            throw new IllegalArgumentException("give redis-truststore or redis-ca-cert, not both");
        }
        if (truststorePassword.isPresent() && truststore.isEmpty()) {
            throw new IllegalArgumentException("redis-truststore-password is given without redis-truststore");
        }
    }

    /** From option values, each of which may be absent ({@code null}); an empty password counts as none. */
    public static RedisSecurity of(Path truststore, String truststorePassword, Path caCert) {
        return new RedisSecurity(Optional.ofNullable(truststore),
                Optional.ofNullable(truststorePassword).filter(password -> !password.isEmpty()),
                Optional.ofNullable(caCert));
    }

    /** Whether anything replaces the JVM's default truststore; only a {@code rediss://} URL can use that. */
    public boolean trustsOwnCertificates() {
        return truststore.isPresent() || caCert.isPresent();
    }

    @Override
    public String toString() {
        return "RedisSecurity[truststore=" + truststore.map(Path::toString).orElse("(none)")
                + ", truststorePassword=" + truststorePassword.map(password -> "***").orElse("(none)")
                + ", caCert=" + caCert.map(Path::toString).orElse("(none)") + "]";
    }
}
