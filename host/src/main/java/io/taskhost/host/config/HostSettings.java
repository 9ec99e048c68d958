package io.taskhost.host.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Everything a host needs to run, already validated. The README's configuration table lists
 * each setting with its flag, environment variable and default.
 *
 * @param redisUrl {@code redis://}, {@code rediss://}, or {@code embedded[:PORT]} for a bundled redis-server
 */
public record HostSettings(
        String redisUrl,
        String queue,
        Path pluginsDir,
        int workers,
        String defaultClass,
        Path cacheDir,
        Path workerJava,
        List<String> workerJvmOptions,
        Duration taskTimeout,
        Duration shutdownGrace,
        int outcomesKept,
        String hostId,
        Duration fetchTimeout,
        Duration rescanInterval) {

    private static final Pattern EMBEDDED = Pattern.compile("embedded(?::(\\d{1,5}))?");

    public HostSettings {
        require(workers >= 1, "workers must be at least 1, not " + workers);
        require(outcomesKept >= 1, "outcomes-kept must be at least 1, not " + outcomesKept);
        require(!taskTimeout.isNegative() && !taskTimeout.isZero(), "task-timeout must be positive");
        require(!shutdownGrace.isNegative(), "shutdown-grace must not be negative");
        require(hostId != null && !hostId.isBlank() && !hostId.contains("}"), "host-id must be non-empty, without '}'");
        require(EMBEDDED.matcher(redisUrl).matches() || redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"),
                "redis must be a redis:// or rediss:// URL, 'embedded' or 'embedded:PORT', not " + redisUrl);
        workerJvmOptions = List.copyOf(workerJvmOptions);
    }

    /** The port for a bundled redis-server (0 for any free one), or empty when an external Redis is used. */
    public OptionalInt embeddedRedisPort() {
        var matcher = EMBEDDED.matcher(redisUrl);
        if (!matcher.matches()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1)));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
