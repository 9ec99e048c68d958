package io.taskhost.host.queue;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** Opens the host's Redis client from a {@code redis://} or {@code rediss://} URL, and hides its password. */
public final class RedisConnector {

    private static final String PERCENT_ENCODING_HINT = " (in a password, percent-encode / @ : # ? % and spaces,"
            + " e.g. @ as %40)";

    private RedisConnector() {
    }

    /** A client that trusts the JVM's default truststore for {@code rediss://}. */
    public static UnifiedJedis connect(String url, Duration fetchTimeout, int connections) {
        return connect(url, RedisSecurity.NONE, fetchTimeout, connections);
    }

    /**
     * @param security     whom a {@code rediss://} connection trusts; only such a URL may name a truststore
     * @param fetchTimeout how long one blocking fetch waits; the socket waits a little longer, so
     *                     that a half-open connection cannot hang the fetch loop for ever
     * @param connections  pool size: one for the blocked fetch plus one per concurrent recorder
     * @throws IllegalStateException when the truststore or CA certificate cannot be read
     */
    public static UnifiedJedis connect(String url, RedisSecurity security, Duration fetchTimeout, int connections) {
        URI uri = parse(url);
        var builder = jedis(url, () -> DefaultJedisClientConfig.builder(uri))
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
        return jedis(url, () -> RedisClient.builder().fromURI(uri).clientConfig(config).poolConfig(pool).build());
    }

    /**
     * @throws IllegalArgumentException saying why, with the URL masked. The parser's exception is
     *                                  not its cause: its message quotes the URL whole.
     */
    private static URI parse(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("redis URL " + masked(url) + " is not a valid URL: " + e.getReason()
                    + PERCENT_ENCODING_HINT);
        }
    }

    /** What Jedis makes of the URL; its complaint about it comes without the password, and not as a cause. */
    private static <T> T jedis(String url, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis URL " + masked(url) + " is not a valid Redis URL: "
                    + withoutPassword(e.getMessage(), url) + PERCENT_ENCODING_HINT);
        }
    }

    /**
     * The URL with its password replaced by {@code ***}, for logs, messages and config dumps;
     * {@code null} stays {@code null}. The user info runs from the scheme to the last {@code @},
     * because a password may hold {@code / @ : # ?}, raw or percent-encoded; user info without a
     * {@code :} is masked whole. It works on a URL that does not parse, too.
     */
    public static String masked(String url) {
        if (url == null) {
            return null;
        }
        int start = userInfoStart(url);
        int at = url.lastIndexOf('@');
        if (at < start) {
            return url;
        }
        int colon = url.indexOf(':', start);
        String user = colon >= 0 && colon < at ? url.substring(start, colon + 1) : "";
        return url.substring(0, start) + user + "***" + url.substring(at);
    }

    /**
     * {@code text} with the password of {@code url} replaced by {@code ***}, as written in the URL
     * and percent-decoded, and the URL itself masked: for messages of libraries that may quote either.
     */
    public static String withoutPassword(String text, String url) {
        if (text == null || url == null) {
            return text;
        }
        String scrubbed = text.replace(url, masked(url));
        int start = userInfoStart(url);
        int at = url.lastIndexOf('@');
        if (at <= start) {
            return scrubbed;
        }
        int colon = url.indexOf(':', start);
        String password = colon >= 0 && colon < at ? url.substring(colon + 1, at) : url.substring(start, at);
        if (password.isEmpty()) {
            return scrubbed;
        }
        scrubbed = scrubbed.replace(password, "***");
        try {
            // Percent-decoding as URI does it: a + stays a +.
            String decoded = URLDecoder.decode(password.replace("+", "%2B"), StandardCharsets.UTF_8);
            return decoded.isEmpty() ? scrubbed : scrubbed.replace(decoded, "***");
        } catch (IllegalArgumentException e) {
            return scrubbed;
        }
    }

    private static int userInfoStart(String url) {
        int scheme = url.indexOf("://");
        return scheme < 0 ? 0 : scheme + 3;
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
