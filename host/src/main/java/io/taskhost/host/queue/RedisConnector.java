package io.taskhost.host.queue;

import java.net.URI;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** Opens the host's Redis client from a {@code redis://} or {@code rediss://} URL. */
public final class RedisConnector {

    private RedisConnector() {
    }

    /** A client that trusts the JVM's default truststore for {@code rediss://}. */
    public static RedisClient connect(String url, Duration fetchTimeout, int connections) {
        return connect(url, RedisSecurity.NONE, fetchTimeout, connections);
    }

    /**
     * @param security     whom a {@code rediss://} connection trusts; only such a URL may name a truststore
     * @param fetchTimeout how long one blocking fetch waits; the socket waits a little longer, so
     *                     that a half-open connection cannot hang the fetch loop for ever
     * @param connections  pool size: one for the blocked fetch plus one per concurrent recorder
     * @throws IllegalStateException when the truststore or CA certificate cannot be read
     */
    public static RedisClient connect(String url, RedisSecurity security, Duration fetchTimeout, int connections) {
        URI uri = URI.create(url);
        var builder = DefaultJedisClientConfig.builder(uri)
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(5_000)
                .blockingSocketTimeoutMillis((int) fetchTimeout.plusSeconds(5).toMillis())
                .clientName("taskhost");
        if (security.trustsOwnCertificates()) {
            if (!"rediss".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("a Redis truststore or CA certificate needs a rediss:// URL, not "
                        + masked(url));
            }
            builder.sslSocketFactory(RedisTls.socketFactory(security));
        }
        var config = builder.build();
        var pool = new GenericObjectPoolConfig<Connection>();
        pool.setMaxTotal(connections);
        pool.setMaxIdle(connections);
        pool.setMaxWait(Duration.ofSeconds(5));
        return RedisClient.builder().fromURI(uri).clientConfig(config).poolConfig(pool).build();
    }

    /** The URL with its password replaced by {@code ***}, for logs and config dumps. */
    public static String masked(String url) {
        return url.replaceFirst("^(\\w+://)([^:@/]*):([^@/]*)@", "$1$2:***@");
    }

    /** A Redis failure with the messages of its causes, which say why: "Failed to create socket." alone does not. */
    public static String describe(Throwable failure) {
        var text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            // Wrappers often repeat their cause's message; once is enough.
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
