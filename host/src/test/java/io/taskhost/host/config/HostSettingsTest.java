package io.taskhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.liveness.Machine;
import io.taskhost.host.plugins.TrustSettings;
import io.taskhost.host.queue.RedisScheme;
import io.taskhost.host.queue.RedisSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Settings built in code: the command line's defaults, one validation that names the setting, no secret shown. */
class HostSettingsTest {

    @Test
    void theBuildersDefaultsAreTheOnesTheCommandLineDocuments() {
        HostSettings built = HostSettings.builder().build();

        assertEquals(HostOptions.parse().toString(), built.toString());
        assertEquals(Runtime.getRuntime().availableProcessors(), built.workers());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "taskhost"), built.cacheDir());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(), built.scratchDir());
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java"), built.workerJava());
        assertEquals(Machine.current().defaultHostId(), built.hostId());
        assertEquals(Path.of("plugins-dir").toAbsolutePath(), built.pluginsDir());
        assertEquals(Duration.ofSeconds(2), built.fetchTimeout());
    }

    @Test
    void flagsChangeOnlyTheSettingsTheyNameOnTopOfBuiltOnes() {
        var base = HostSettings.builder().queue("jobs").workers(3).warmSpares(2).taskTimeout(Duration.ofSeconds(60));

        HostSettings settings = HostOptions.parse(base, "--no-class-data-sharing", "--warm-spares", "0",
                "--worker-jvm-options", "-Xint  -XX:+ExitOnOutOfMemoryError");

        assertEquals("jobs", settings.queue());
        assertEquals(3, settings.workers());
        assertEquals(Duration.ofSeconds(60), settings.taskTimeout());
        assertFalse(settings.classDataSharing());
        assertEquals(0, settings.warmSpares());
        assertEquals(List.of("-Xint", "-XX:+ExitOnOutOfMemoryError"), settings.workerJvmOptions());
    }

    @Test
    void everyRuleIsCheckedWhereverTheSettingsComeFromAndNamesItsSetting() {
        assertRefused("workers must be at least 1, not 0", b -> b.workers(0));
        assertRefused("outcomes-kept must be at least 1, not 0", b -> b.outcomesKept(0));
        assertRefused("max-attempts must be at least 1, not 0", b -> b.maxAttempts(0));
        assertRefused("poison-deaths must be at least 1, not 0", b -> b.poisonDeaths(0));
        assertRefused("max-payload-bytes must be at least 64, not 63", b -> b.maxPayloadBytes(63));
        assertRefused("max-payload-depth must be at least 2, not 1", b -> b.maxPayloadDepth(1));
        assertRefused("task-timeout must be positive", b -> b.taskTimeout(Duration.ZERO));
        assertRefused("retry-backoff and retry-backoff-max must be positive", b -> b.retryBackoffMax(Duration.ZERO));
        assertRefused("heartbeat-ttl must be at least 1s, not PT0.999S", b -> b.heartbeatTtl(Duration.ofMillis(999)));
        assertRefused("orphan-check-interval must be at least 1s, not PT0.5S",
                b -> b.orphanCheckInterval(Duration.ofMillis(500)));
        assertRefused("shutdown-grace must not be negative", b -> b.shutdownGrace(Duration.ofSeconds(-1)));
        assertRefused("park-unknown-for must not be negative", b -> b.parkUnknownFor(Duration.ofSeconds(-1)));
        assertRefused("host-id must be non-empty, without '}'", b -> b.hostId("a}b"));
        assertRefused("queue key must be non-empty and contain no braces: a{b", b -> b.queue("a{b"));
        assertRefused("redis must be a Redis URL, 'embedded' or 'embedded:PORT', not http://app:***@db; a Redis URL is "
                + RedisScheme.FORMS, b -> b.redisUrl("http://app:s3cret@db"));
        assertRefused("redis-truststore and redis-ca-cert apply only to a rediss://, rediss-sentinel:// or"
                + " rediss-cluster:// redis URL",
                b -> b.redisSecurity(RedisSecurity.of(null, null, Path.of("/etc/taskhost/ca.pem"))));
        assertRefused("http-port must be between 0 (off) and 65535, not 65536", b -> b.httpPort(65536));
        assertRefused("http-bind must be an address or host name", b -> b.httpBind(" "));
        assertRefused("warm-spares must be 0 (off) or more, not -1", b -> b.warmSpares(-1));
        assertRefused("tasks-per-worker must be at least 1, not 0", b -> b.tasksPerWorker(0));
        assertRefused("warm-spares-kept-for must be positive", b -> b.sparesKeptFor(Duration.ZERO));
        assertRefused("worker-max-heap must be a heap size as -Xmx takes it, such as 256m or 2g, not 'lots'",
                b -> b.workerMaxHeap("lots"));
        var inside = assertThrows(IllegalArgumentException.class, () -> HostSettings.builder()
                .cacheDir(Path.of("/var/cache/taskhost")).scratchDir(Path.of("/var/cache/taskhost/scratch")).build());
        assertTrue(inside.getMessage().startsWith("scratch-dir must be outside cache-dir"), inside.getMessage());

        var fromFlags = assertThrows(IllegalArgumentException.class, () -> HostOptions.parse("--queue", "a{b"));
        assertEquals("queue key must be non-empty and contain no braces: a{b", fromFlags.getMessage());
    }

    @Test
    void settingsBuiltInCodeShowNoSecret() {
        HostSettings settings = HostSettings.builder()
                .redisUrl("rediss://taskhost:url-s3cret@cache.internal:6380")
                .redisSecurity(RedisSecurity.of(Path.of("/etc/taskhost/trust.p12"), "trust-s3cret", null))
                .pluginTrust(new TrustSettings(TrustSettings.PermissionMode.STRICT, Set.of(),
                        Optional.of(Path.of("/etc/taskhost/plugins.p12")), "keystore-s3cret".toCharArray()))
                .build();

        String shown = settings.toString();

        assertFalse(shown.contains("s3cret"), shown);
        assertTrue(shown.startsWith("HostSettings[redisUrl=rediss://taskhost:***@cache.internal:6380, "), shown);
    }

    @Test
    void sentinelAndClusterUrlsAreRedisUrlsAndTheirTlsFormsTakeTrustSettings() {
        var trust = RedisSecurity.of(null, null, Path.of("/etc/taskhost/ca.pem"));
        for (String url : List.of("redis-sentinel://app:s3cret@s1:26379,s2:26379/1#mymaster",
                "redis-cluster://:s3cret@n1:7000,n2:7000")) {
            assertEquals(url, HostSettings.builder().redisUrl(url).build().redisUrl());
        }
        for (String url : List.of("rediss-sentinel://s1:26379#mymaster", "rediss-cluster://n1:7000")) {
            assertEquals(trust, HostSettings.builder().redisUrl(url).redisSecurity(trust).build().redisSecurity());
        }
        assertFalse(HostSettings.builder().redisUrl("redis-sentinel://app:s3cret@s1:26379#m").build().toString()
                .contains("s3cret"));
    }

    private static void assertRefused(String message, UnaryOperator<HostSettings.Builder> change) {
        var failure = assertThrows(IllegalArgumentException.class, () -> change.apply(HostSettings.builder()).build(),
                message);
        assertEquals(message, failure.getMessage());
    }
}
