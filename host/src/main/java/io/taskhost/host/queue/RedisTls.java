package io.taskhost.host.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS sockets that trust the certificates a {@link RedisSecurity} names instead of the JVM's
 * default truststore. Only trust is replaced: Jedis still checks that the server's certificate
 * matches the host name of the URL.
 */
final class RedisTls {

    private RedisTls() {
    }

    /** @throws IllegalStateException naming the file that cannot be read or trusts nothing */
    static SSLSocketFactory socketFactory(RedisSecurity security) {
        KeyStore trusted = security.caCert().isPresent()
                ? fromPem(security.caCert().get())
                : fromTruststore(security.truststore().orElseThrow(), security.truststorePassword());
        try {
            var trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for Redis: " + e, e);
        }
    }

    private static KeyStore fromTruststore(Path file, Optional<String> password) {
        requireFile(file, "truststore");
        char[] secret = password.map(String::toCharArray).orElse(null);
        try {
            // Recognises PKCS12 and JKS by their content, whatever the file is called.
            KeyStore store = KeyStore.getInstance(file.toFile(), secret);
            if (store.size() == 0) {
                throw new IllegalStateException("the Redis truststore " + file + " holds no certificate"
                        + (secret == null ? " it can read without redis-truststore-password" : ""));
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the Redis truststore " + file + " as PKCS12 or JKS: "
                    + e.getMessage(), e);
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
        }
    }

    private static KeyStore fromPem(Path file) {
        requireFile(file, "CA certificate");
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the Redis CA certificate " + file + " as PEM: "
                    + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalStateException("the Redis CA certificate file " + file + " holds no certificate");
        }
        return inMemory(certificates);
    }

    private static KeyStore inMemory(Collection<? extends Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("redis-ca-" + index++, certificate);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the Redis CA certificates in memory: " + e, e);
        }
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalStateException("the Redis " + what + " " + file + " is not a readable file");
        }
    }
}
