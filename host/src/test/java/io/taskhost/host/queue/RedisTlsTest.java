package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.SecureRedis;
import io.taskhost.host.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * {@code rediss://} to a TLS-only redis-server whose certificate a throw-away CA signed: trusted
 * through a PEM CA certificate or a truststore, refused through the JVM's default truststore or
 * when the certificate names another host.
 */
class RedisTlsTest {

    private static final String TRUSTSTORE_PASSWORD = "truststore-s3cret";

    @TempDir
    static Path temp;

    private static TestCertificates certificates;
    private static SecureRedis server;

    @BeforeAll
    static void startTlsServer() {
        Assumptions.assumeTrue(TestCertificates.toolsAvailable(), "openssl or keytool is missing");
        Assumptions.assumeTrue(SecureRedis.tlsBuilt(), "redis-server was built without TLS");
        certificates = TestCertificates.create(temp.resolve("certificates"), "IP:127.0.0.1,DNS:localhost");
        server = SecureRedis.withTls(temp.resolve("redis"), certificates);
    }

    @AfterAll
    static void stopTlsServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRedissConnectionTrustsTheConfiguredCaCertificate() {
        assertRunsCommands(server.url(), RedisSecurity.of(null, null, certificates.caCert()));
    }

    @Test
    void aRedissConnectionTrustsAPkcs12Truststore() {
        Path truststore = certificates.truststore("PKCS12", "truststore.p12", TRUSTSTORE_PASSWORD);
        assertRunsCommands(server.url(), RedisSecurity.of(truststore, TRUSTSTORE_PASSWORD, null));
    }

    @Test
    void aJksTruststoreIsRecognisedWhateverItsFileIsCalled() {
        Path truststore = certificates.truststore("JKS", "redis-trust.store", TRUSTSTORE_PASSWORD);
        assertRunsCommands(server.url(), RedisSecurity.of(truststore, TRUSTSTORE_PASSWORD, null));
    }

    @Test
    void theHostNameMayBeTheOneInTheCertificate() {
        String byName = "rediss://" + SecureRedis.USER + ":" + SecureRedis.PASSWORD + "@localhost:" + server.port();
        assertRunsCommands(byName, RedisSecurity.of(null, null, certificates.caCert()));
    }

    @Test
    void withoutTrustSettingsTheJvmTruststoreRefusesAnUnknownCa() {
        try (UnifiedJedis redis = RedisConnector.connect(server.url(), Duration.ofSeconds(2), 2)) {
            var failure = assertThrows(JedisConnectionException.class, redis::ping);
            assertHandshakeFailed(failure);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedEvenFromATrustedCa() {
        var elsewhere = TestCertificates.create(temp.resolve("elsewhere"), "DNS:elsewhere.example");
        try (var other = SecureRedis.withTls(temp.resolve("redis-elsewhere"), elsewhere);
             UnifiedJedis redis = RedisConnector.connect(other.url(), RedisSecurity.of(null, null, elsewhere.caCert()),
                     Duration.ofSeconds(2), 2)) {
            var failure = assertThrows(JedisConnectionException.class, redis::ping);
            assertHandshakeFailed(failure);
            assertTrue(RedisConnector.describe(failure).contains("127.0.0.1"), RedisConnector.describe(failure));
        }
    }

    @Test
    void aWrongTruststorePasswordNamesTheFileButNotThePassword() {
        Path truststore = certificates.truststore("PKCS12", "guarded.p12", TRUSTSTORE_PASSWORD);
        String wrong = "not-the-truststore-password";
        var failure = assertThrows(IllegalStateException.class, () -> RedisConnector.connect(server.url(),
                RedisSecurity.of(truststore, wrong, null), Duration.ofSeconds(2), 2));
        assertTrue(failure.getMessage().contains(truststore.toString()), failure.getMessage());
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertFalse(String.valueOf(cause).contains(wrong), cause.toString());
        }
    }

    @Test
    void aMissingCaCertificateFileIsNamed() {
        Path missing = temp.resolve("no-such-ca.crt");
        var failure = assertThrows(IllegalStateException.class, () -> RedisConnector.connect(server.url(),
                RedisSecurity.of(null, null, missing), Duration.ofSeconds(2), 2));
        assertEquals("the Redis CA certificate " + missing + " is not a readable file", failure.getMessage());
    }

    @Test
    void trustSettingsWithAPlainRedisUrlAreRefusedWithThePasswordMasked() {
        var failure = assertThrows(IllegalArgumentException.class, () -> RedisConnector.connect(
                "redis://taskhost:hidden-s3cret@127.0.0.1:" + server.port(),
                RedisSecurity.of(null, null, certificates.caCert()), Duration.ofSeconds(2), 2));
        assertFalse(failure.getMessage().contains("hidden-s3cret"), failure.getMessage());
        assertTrue(failure.getMessage().contains("rediss://"), failure.getMessage());
    }

    private static void assertRunsCommands(String url, RedisSecurity security) {
        try (UnifiedJedis redis = RedisConnector.connect(url, security, Duration.ofSeconds(2), 2)) {
            assertEquals(SecureRedis.USER, SecureRedis.whoAmI(redis));
            redis.set("tls-test", "over TLS");
            assertEquals("over TLS", redis.get("tls-test"));
        }
    }

    private static void assertHandshakeFailed(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                return;
            }
        }
        throw new AssertionError("expected a TLS handshake failure: " + RedisConnector.describe(failure), failure);
    }
}
