package io.taskhost.host.config;

import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisSecurity;
import io.taskhost.host.plugins.TrustSettings;
import io.taskhost.host.limits.RunLimits;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Everything a host needs to run, already validated. The README's configuration table lists
 * each setting with its flag, environment variable and default.
 *
 * @param redisUrl     {@code redis://}, {@code rediss://}, or {@code embedded[:PORT]} for a bundled redis-server
 * @param redisSecurity whom a {@code rediss://} connection trusts; its {@code toString} masks the password
 * @param warmSpares   warm spare worker JVMs kept per recently used plugin version; 0 turns them off
 * @param tasksPerWorker tasks one worker JVM runs before it exits; 1, the default, is strict isolation
 * @param sparesKeptFor a plugin version no task has used for this long keeps no warm spares
 * @param scratchDir   where each worker JVM gets a scratch directory of its own; outside {@code cacheDir}
 * @param pluginLimits plugin id to the host's overrides for that plugin's operations
 * @param pluginTrust  what a plugin jar must satisfy before it is loaded
 * @param httpPort     port of the health, metrics and status endpoint; 0 leaves it off
 * @param httpBind     address that endpoint listens on
 * @param classDataSharing whether worker JVMs start from class-data archives the host builds for them
 */
public record HostSettings(
        String redisUrl,
        RedisSecurity redisSecurity,
        String queue,
        Path pluginsDir,
        int workers,
        String defaultClass,
        Path cacheDir,
        Path scratchDir,
        Path workerJava,
        List<String> workerJvmOptions,
        boolean classDataSharing,
        String workerMaxHeap,
        int warmSpares,
        int tasksPerWorker,
        Duration sparesKeptFor,
        Duration taskTimeout,
        int maxAttempts,
        Duration retryBackoff,
        Duration retryBackoffMax,
        int poisonDeaths,
        Map<String, RunLimits> pluginLimits,
        Duration shutdownGrace,
        int outcomesKept,
        String hostId,
        Duration heartbeatTtl,
        int maxPayloadBytes,
        int maxPayloadDepth,
        Duration parkUnknownFor,
        TrustSettings pluginTrust,
        Duration fetchTimeout,
        Duration rescanInterval,
        int httpPort,
        String httpBind) {

    private static final Pattern EMBEDDED = Pattern.compile("embedded(?::(\\d{1,5}))?");

    public HostSettings {
        require(workers >= 1, "workers must be at least 1, not " + workers);
        require(outcomesKept >= 1, "outcomes-kept must be at least 1, not " + outcomesKept);
        require(maxAttempts >= 1, "max-attempts must be at least 1, not " + maxAttempts);
        require(poisonDeaths >= 1, "poison-deaths must be at least 1, not " + poisonDeaths);
        require(maxPayloadBytes >= 64, "max-payload-bytes must be at least 64, not " + maxPayloadBytes);
        require(maxPayloadDepth >= 2, "max-payload-depth must be at least 2, not " + maxPayloadDepth);
        require(positive(taskTimeout), "task-timeout must be positive");
        require(positive(retryBackoff) && positive(retryBackoffMax), "retry-backoff and retry-backoff-max must be positive");
        require(heartbeatTtl.toMillis() >= 1000, "heartbeat-ttl must be at least 1s, not " + heartbeatTtl);
        require(!shutdownGrace.isNegative(), "shutdown-grace must not be negative");
        require(!parkUnknownFor.isNegative(), "park-unknown-for must not be negative");
        require(hostId != null && !hostId.isBlank() && !hostId.contains("}"), "host-id must be non-empty, without '}'");
        require(EMBEDDED.matcher(redisUrl).matches() || redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"),
                "redis must be a redis:// or rediss:// URL, 'embedded' or 'embedded:PORT', not "
                        + RedisConnector.masked(redisUrl));
        require(!redisSecurity.trustsOwnCertificates() || redisUrl.startsWith("rediss://"),
                "redis-truststore and redis-ca-cert apply only to a rediss:// redis URL");
        require(!scratchDir.startsWith(cacheDir),
                "scratch-dir must be outside cache-dir, so that task code does not write beside cached jars; "
                        + scratchDir + " is inside " + cacheDir);
        require(httpPort >= 0 && httpPort <= 65535, "http-port must be between 0 (off) and 65535, not " + httpPort);
        require(httpBind != null && !httpBind.isBlank(), "http-bind must be an address or host name");
        RunLimits.heap(workerMaxHeap);
        RunLimits.warmSpares(warmSpares);
        RunLimits.tasksPerWorker(tasksPerWorker);
        require(positive(sparesKeptFor), "warm-spares-kept-for must be positive");
        workerJvmOptions = List.copyOf(workerJvmOptions);
        pluginLimits = Map.copyOf(pluginLimits);
    }

    /**
     * Every setting, as a record prints them, but with no secret, so that it can be logged as
     * HikariCP logs its configuration: the Redis URL's password is masked, and so is a setting
     * whose name says it is a password or a secret (the truststore's and the plugin keystore's
     * passwords hide themselves inside their own types). Read from the record's components, so
     * that a setting added later is printed, and masked if its name says so.
     */
    @Override
    public String toString() {
        var text = new StringJoiner(", ", "HostSettings[", "]");
        for (RecordComponent component : HostSettings.class.getRecordComponents()) {
            text.add(component.getName() + "=" + shown(component));
        }
        return text.toString();
    }

    private Object shown(RecordComponent component) {
        String name = component.getName();
        if (name.equals("redisUrl")) {
            return RedisConnector.masked(redisUrl);
        }
        Object value;
        try {
            value = component.getAccessor().invoke(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read setting " + name, e);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return value != null && (lower.contains("password") || lower.contains("secret")) ? "***" : value;
    }

    /** The limits every operation gets unless its plugin or the host's settings for it say otherwise. */
    public RunLimits defaultLimits() {
        return new RunLimits(taskTimeout, maxAttempts, workerMaxHeap, workerJvmOptions, warmSpares, tasksPerWorker);
    }

    /** The port for a bundled redis-server (0 for any free one), or empty when an external Redis is used. */
    public OptionalInt embeddedRedisPort() {
        var matcher = EMBEDDED.matcher(redisUrl);
        if (!matcher.matches()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1)));
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
