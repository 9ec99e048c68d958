package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.config.HostSettings;
import io.taskhost.host.queue.RedisSecurity;
import io.taskhost.host.testing.SecureRedis;
import io.taskhost.host.testing.TestCertificates;
import io.taskhost.host.testing.TestHosts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --redis-truststore, --redis-truststore-password and --redis-ca-cert of {@code run} and {@code failed}. */
class RedisTrustOptionsTest {

    private static final String TRUSTSTORE_PASSWORD = "truststore-s3cret";

    @TempDir
    Path temp;

    @Test
    void theTruststorePasswordIsMaskedInTheEffectiveConfiguration() {
        HostSettings settings = HostOptions.parse("--redis", "rediss://cache.internal:6380",
                "--redis-truststore", "/etc/taskhost/redis.p12", "--redis-truststore-password", TRUSTSTORE_PASSWORD);

        assertEquals(Optional.of(TRUSTSTORE_PASSWORD), settings.redisSecurity().truststorePassword());
        assertFalse(settings.toString().contains(TRUSTSTORE_PASSWORD), settings.toString());
        assertTrue(settings.toString().contains("truststore=/etc/taskhost/redis.p12, truststorePassword=***"),
                settings.toString());
    }

    @Test
    void trustSettingsComeFromTheEnvironmentLikeEveryOther() {
        var run = new RunCommand();
        var commandLine = new CommandLine(run);
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(new SettingsDefaults(Map.of(
                "TASKHOST_REDIS", "rediss://cache.internal:6380",
                "TASKHOST_REDIS_TRUSTSTORE", "/etc/taskhost/redis.p12",
                "TASKHOST_REDIS_TRUSTSTORE_PASSWORD", TRUSTSTORE_PASSWORD), new Properties()));
        commandLine.parseArgs();

        RedisSecurity security = run.options.toSettings(Map.of()).redisSecurity();
        assertEquals(Optional.of(Path.of("/etc/taskhost/redis.p12")), security.truststore());
        assertEquals(Optional.of(TRUSTSTORE_PASSWORD), security.truststorePassword());
    }

    @Test
    void withoutTrustSettingsRedissUsesTheJvmTruststore() {
        assertEquals(RedisSecurity.NONE, HostOptions.parse("--redis", "rediss://cache.internal:6380").redisSecurity());
    }

    @Test
    void trustSettingsNeedARedissUrl() {
        for (String url : new String[] {"redis://cache.internal:6379", "embedded"}) {
            var failure = assertThrows(IllegalArgumentException.class,
                    () -> HostOptions.parse("--redis", url, "--redis-ca-cert", "/etc/taskhost/redis-ca.pem"));
            assertEquals("redis-truststore and redis-ca-cert apply only to a rediss://, rediss-sentinel:// or"
                    + " rediss-cluster:// redis URL",
                    failure.getMessage());
        }
    }

    @Test
    void aTruststoreAndACaCertificateAreOneOrTheOther() {
        var failure = assertThrows(IllegalArgumentException.class, () -> HostOptions.parse(
                "--redis", "rediss://cache.internal:6380", "--redis-truststore", "/etc/taskhost/redis.p12",
                "--redis-ca-cert", "/etc/taskhost/redis-ca.pem"));
        assertEquals("give redis-truststore or redis-ca-cert, not both", failure.getMessage());
    }

    @Test
    void aTruststorePasswordWithoutATruststoreIsRefused() {
        var failure = assertThrows(IllegalArgumentException.class, () -> HostOptions.parse(
                "--redis", "rediss://cache.internal:6380", "--redis-ca-cert", "/etc/taskhost/redis-ca.pem",
                "--redis-truststore-password", TRUSTSTORE_PASSWORD));
        assertFalse(failure.getMessage().contains(TRUSTSTORE_PASSWORD), failure.getMessage());
    }

    @Test
    void aRedisUrlOfAnotherSchemeIsReportedWithItsPasswordMasked() {
        var failure = assertThrows(IllegalArgumentException.class,
                () -> HostOptions.parse("--redis", "http://taskhost:url-s3cret@cache.internal"));
        assertFalse(failure.getMessage().contains("url-s3cret"), failure.getMessage());
        assertTrue(failure.getMessage().contains("http://taskhost:***@cache.internal"), failure.getMessage());
    }

    @Test
    void failedReachesARedissServerThroughTheCaCertificateAsAnAclUser() {
        Assumptions.assumeTrue(TestCertificates.toolsAvailable(), "openssl or keytool is missing");
        Assumptions.assumeTrue(SecureRedis.tlsBuilt(), "redis-server was built without TLS");
        var certificates = TestCertificates.create(temp.resolve("certificates"), "IP:127.0.0.1,DNS:localhost");
        try (var server = SecureRedis.withTls(temp.resolve("redis"), certificates)) {
            Result list = failed("list", "--redis", server.url(), "--queue", TestHosts.uniqueQueue(),
                    "--redis-ca-cert", certificates.caCert().toString());

            assertEquals(0, list.code(), list.err());
            assertEquals("", list.out());
        }
    }

    @Test
    void failedWithTrustSettingsAndAPlainRedisUrlIsAUsageError() {
        Result list = failed("list", "--redis", "redis://taskhost:url-s3cret@127.0.0.1:1",
                "--redis-ca-cert", temp.resolve("ca.pem").toString());

        assertEquals(2, list.code());
        assertTrue(list.err().contains("--redis-truststore and --redis-ca-cert apply only to a rediss://, rediss-sentinel:// or"
                + " rediss-cluster:// URL, not"
                + " redis://taskhost:***@127.0.0.1:1"), list.err());
        assertFalse(list.err().contains("url-s3cret"), list.err());
    }

    @Test
    void failedNamesATruststoreItCannotRead() {
        Path missing = temp.resolve("missing.p12");
        Result list = failed("list", "--redis", "rediss://127.0.0.1:1", "--redis-truststore", missing.toString(),
                "--redis-truststore-password", TRUSTSTORE_PASSWORD);

        assertEquals(2, list.code());
        assertTrue(list.err().contains("the Redis truststore " + missing + " is not a readable file"), list.err());
        assertFalse(list.err().contains(TRUSTSTORE_PASSWORD), list.err());
    }

    private record Result(int code, String out, String err) {
    }

    private static Result failed(String... args) {
        var commandLine = new CommandLine(new FailedCommand());
        var out = new StringWriter();
        var err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
