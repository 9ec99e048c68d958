package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.SecureRedis;
import io.taskhost.host.testing.TestCertificates;
import io.taskhost.host.testing.TestHosts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole host against a Redis that wants TLS and an ACL user, as a managed Redis in production does. */
class SecuredRedisHostTest {

    @TempDir
    Path temp;

    @Test
    void aHostRunsATaskOverTlsAsAnAclUser() throws Exception {
        Assumptions.assumeTrue(TestCertificates.toolsAvailable(), "openssl or keytool is missing");
        Assumptions.assumeTrue(SecureRedis.tlsBuilt(), "redis-server was built without TLS");
        var certificates = TestCertificates.create(temp.resolve("certificates"), "IP:127.0.0.1,DNS:localhost");
        String queueKey = TestHosts.uniqueQueue();
        var trustTheCa = RedisSecurity.of(null, null, certificates.caCert());
        try (var redis = SecureRedis.withTls(temp.resolve("redis"), certificates);
             Host host = TestHosts.start(TestHosts.settings(redis.server(), queueKey,
                     TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"),
                     "--redis-ca-cert", certificates.caCert().toString()));
             var queue = new QueueProbe(RedisConnector.connect(redis.url(), trustTheCa, Duration.ofSeconds(2), 2),
                     queueKey)) {
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");

            JsonNode outcome = queue.awaitOutcome("noop");
            assertEquals("passed", outcome.path("status").asText(), outcome.toString());
            assertEquals(SecureRedis.USER, SecureRedis.whoAmI(queue.redis()));
        }
    }
}
