package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.SecureRedis;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** AUTH from the URL: an ACL user, the default user's requirepass, and a wrong password that is never echoed. */
class RedisAuthTest {

    private static final String WRONG_PASSWORD = "wr0ng-s3cret";

    @TempDir
    static Path temp;

    private static SecureRedis server;

    @BeforeAll
    static void startServer() {
        server = SecureRedis.withAcl(temp.resolve("redis"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void anAclUserWithItsPasswordRunsCommandsAsThatUser() {
        try (UnifiedJedis redis = RedisConnector.connect(server.url(), Duration.ofSeconds(2), 2)) {
            assertEquals(SecureRedis.USER, SecureRedis.whoAmI(redis));
            redis.set("auth-test", "written");
            assertEquals("written", redis.get("auth-test"));
        }
    }

    @Test
    void aPasswordOnlyUrlAuthenticatesTheDefaultUser() {
        String url = "redis://:" + SecureRedis.DEFAULT_USER_PASSWORD + "@127.0.0.1:" + server.port();
        try (UnifiedJedis redis = RedisConnector.connect(url, Duration.ofSeconds(2), 2)) {
            assertEquals("default", SecureRedis.whoAmI(redis));
        }
    }

    @Test
    void aWrongPasswordFailsWithAMessageThatDoesNotContainIt() {
        String url = server.url(SecureRedis.USER, WRONG_PASSWORD);
        try (UnifiedJedis redis = RedisConnector.connect(url, Duration.ofSeconds(2), 2)) {
            var failure = assertThrows(JedisException.class, redis::ping);

            String described = RedisConnector.describe(failure);
            assertTrue(described.contains("WRONGPASS"), described);
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                assertFalse(String.valueOf(cause).contains(WRONG_PASSWORD), cause.toString());
            }
            assertFalse(RedisConnector.masked(url).contains(WRONG_PASSWORD), RedisConnector.masked(url));
        }
    }

    @Test
    void noPasswordAtAllIsRefused() {
        try (UnifiedJedis redis = RedisConnector.connect("redis://127.0.0.1:" + server.port(), Duration.ofSeconds(2),
                2)) {
            var failure = assertThrows(JedisException.class, () -> redis.get("auth-test"));
            assertTrue(RedisConnector.describe(failure).contains("NOAUTH"), RedisConnector.describe(failure));
        }
    }
}
