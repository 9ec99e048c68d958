package io.taskhost.host.queue;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens the host's Redis client from a {@code --redis} URL, and hides its password: Jedis's own
 * client for each {@link RedisScheme.Topology}, all of them a {@link UnifiedJedis}. Every
 * connection to a server that holds data waits at most a little longer than the fetch timeout
 * for the reply to a blocking command, and 5 s for any other, so that a server that goes
 * silent without closing the connection holds up no thread for ever.
 */
public final class RedisConnector {

    static final String PERCENT_ENCODING_HINT = " (in a password, percent-encode / @ : # ? % and spaces,"
            + " e.g. @ as %40)";
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int SOCKET_TIMEOUT_MILLIS = 5_000;
    private static final String CLIENT_NAME = "taskhost";
    private static final long STOP_CHECK_MILLIS = 100;
    private static final Logger log = LoggerFactory.getLogger(RedisConnector.class);
    /**
     * How many times the cluster client sends one command: enough to follow a MOVED and then an
     * ASK during resharding, and to try again once it has learnt the new layout after a node
     * failed. Beyond that, the host's own backoff takes over.
     */
    static final int CLUSTER_ATTEMPTS = 5;
    /**
     * How long the cluster client keeps trying one command: a silent node costs one socket
     * timeout, not one per attempt, before the caller hears of it and backs off.
     */
    static final Duration CLUSTER_RETRIES_WITHIN = Duration.ofMillis(SOCKET_TIMEOUT_MILLIS);
    /** How often the cluster client reads the layout anyway, besides on MOVED and after failures. */
    static final Duration CLUSTER_TOPOLOGY_REFRESH = Duration.ofSeconds(10);

    private RedisConnector() {
    }

    /** A client that trusts the JVM's default truststore for TLS. */
    public static UnifiedJedis connect(String url, Duration fetchTimeout, int connections) {
        return connect(url, RedisSecurity.NONE, fetchTimeout, connections);
    }

    /**
     * A {@code redis://} URL gives a client of one server, which connects on first use. A
     * {@code redis-sentinel://} URL gives a client of the master that the sentinels name, which
     * asks them at once and follows their switch to a new master; a {@code redis-cluster://} URL
     * gives a cluster client, which reads the cluster's layout from the nodes at once and follows
     * MOVED and ASK. Neither retries a command that failed otherwise: that is the caller's job.
     *
     * @param security     whom a TLS connection trusts; only a {@code rediss}... URL may name a truststore
     * @param fetchTimeout how long one blocking fetch waits; the socket waits a little longer, so
     *                     that a half-open connection cannot hang the fetch loop for ever
     * @param connections  pool size (per cluster node): one for the blocked fetch plus one per
     *                     concurrent recorder
     * @throws IllegalArgumentException when the URL is not one of {@link RedisScheme#FORMS}, saying
     *                                  why with the URL masked
     * @throws IllegalStateException    when the truststore or CA certificate cannot be read
     * @throws redis.clients.jedis.exceptions.JedisException when no sentinel or cluster node
     *                                  answers, or the sentinels know no such master
     */
    public static UnifiedJedis connect(String url, RedisSecurity security, Duration fetchTimeout, int connections) {
        RedisScheme scheme = RedisScheme.of(url).orElseThrow(() -> new IllegalArgumentException("redis URL "
                + masked(url) + " is not a Redis URL; expected " + RedisScheme.FORMS));
        if (security.trustsOwnCertificates() && !scheme.tls()) {
            throw new IllegalArgumentException("a Redis truststore or CA certificate needs a rediss://,"
                    + " rediss-sentinel:// or rediss-cluster:// URL, not " + masked(url));
        }
        var pool = new GenericObjectPoolConfig<Connection>();
        pool.setMaxTotal(connections);
        pool.setMaxIdle(connections);
        pool.setMaxWait(Duration.ofSeconds(5));
        return switch (scheme.topology()) {
            case SERVER -> server(url, security, fetchTimeout, pool);
            case SENTINEL -> sentinel(TopologyUrl.parse(url), security, fetchTimeout, pool);
            case CLUSTER -> cluster(TopologyUrl.parse(url), security, fetchTimeout, pool);
        };
    }

    /**
     * {@link #connect}, for a host that starts while Redis is out of reach. A client of one
     * server connects on first use, so it is returned at once, and the host's loops wait for
     * Redis as they do in any outage. A Sentinel or Cluster client asks the sentinels or nodes as
     * it is made; while none answers, this tries again with {@link RedisBackoff}, saying so, until
     * one answers or {@code stopRequested} turns true.
     *
     * @throws IllegalStateException when a stop was requested before Redis answered, or Redis
     *                               refuses for good (the sentinels know no such master, a wrong
     *                               password), saying why with the URL masked
     */
    public static UnifiedJedis connectWhenReachable(String url, RedisSecurity security, Duration fetchTimeout,
                                                    int connections, BooleanSupplier stopRequested) {
        var backoff = new RedisBackoff();
        while (true) {
            try {
                return connect(url, security, fetchTimeout, connections);
            } catch (JedisException e) {
                if (!RedisFailures.isOutage(e)) {
                    throw new IllegalStateException("Redis at " + masked(url) + " refused: "
                            + withoutPassword(describe(e), url));
                }
                long wait = backoff.afterFailure().toMillis();
                log.warn("cannot reach Redis at {} yet ({}); retrying in {} ms", masked(url),
                        withoutPassword(describe(e), url), wait);
                if (!waitUnlessStopped(wait, stopRequested)) {
                    throw new IllegalStateException("stopped before Redis at " + masked(url) + " could be reached");
                }
            }
        }
    }

    private static boolean waitUnlessStopped(long millis, BooleanSupplier stopRequested) {
        long deadline = System.nanoTime() + Duration.ofMillis(millis).toNanos();
        while (!stopRequested.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(Duration.ofNanos(left).toMillis() + 1, STOP_CHECK_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static UnifiedJedis server(String url, RedisSecurity security, Duration fetchTimeout,
                                       GenericObjectPoolConfig<Connection> pool) {
        URI uri = parse(url);
        var builder = dataNode(jedis(url, () -> DefaultJedisClientConfig.builder(uri)), security, fetchTimeout);
        var config = builder.build();
        return jedis(url, () -> RedisClient.builder().fromURI(uri).clientConfig(config).poolConfig(pool).build());
    }

    /**
     * The sentinels get the URL's TLS, and its credentials only with {@code sentinel-auth=yes};
     * never its database, which a sentinel has none of.
     */
    private static UnifiedJedis sentinel(TopologyUrl url, RedisSecurity security, Duration fetchTimeout,
                                         GenericObjectPoolConfig<Connection> pool) {
        var master = dataNode(credentials(DefaultJedisClientConfig.builder(), url), security, fetchTimeout)
                .ssl(url.scheme().tls())
                .database(url.database())
                .build();
        var sentinels = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                .clientName(CLIENT_NAME)
                .ssl(url.scheme().tls());
        if (url.sentinelAuth()) {
            credentials(sentinels, url);
        }
        if (security.trustsOwnCertificates()) {
            sentinels.sslSocketFactory(RedisTls.socketFactory(security));
        }
        return RedisSentinelClient.builder()
                .masterName(url.masterName())
                .sentinels(new LinkedHashSet<>(url.nodes()))
                .clientConfig(master)
                .sentinelClientConfig(sentinels.build())
                .poolConfig(pool)
                .build();
    }

    private static UnifiedJedis cluster(TopologyUrl url, RedisSecurity security, Duration fetchTimeout,
                                        GenericObjectPoolConfig<Connection> pool) {
        var nodes = dataNode(credentials(DefaultJedisClientConfig.builder(), url), security, fetchTimeout)
                .ssl(url.scheme().tls())
                .build();
        return RedisClusterClient.builder()
                .nodes(new LinkedHashSet<>(url.nodes()))
                .clientConfig(nodes)
                .poolConfig(pool)
                .maxAttempts(CLUSTER_ATTEMPTS)
                .maxTotalRetriesDuration(CLUSTER_RETRIES_WITHIN)
                .topologyRefreshPeriod(CLUSTER_TOPOLOGY_REFRESH)
                .build();
    }

    /** The timeouts, name and trust of a connection to a server that holds the queue. */
    private static DefaultJedisClientConfig.Builder dataNode(DefaultJedisClientConfig.Builder builder,
                                                             RedisSecurity security, Duration fetchTimeout) {
        builder.connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
                .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
                .blockingSocketTimeoutMillis((int) fetchTimeout.plusSeconds(5).toMillis())
                .clientName(CLIENT_NAME);
        if (security.trustsOwnCertificates()) {
            builder.sslSocketFactory(RedisTls.socketFactory(security));
        }
        return builder;
    }

    private static DefaultJedisClientConfig.Builder credentials(DefaultJedisClientConfig.Builder builder,
                                                                TopologyUrl url) {
        return builder.user(url.user()).password(url.password());
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

    /**
     * A Redis failure with the messages of its causes and of the failures it suppressed, which say
     * why: "Failed to create socket." alone does not, nor does the cluster client's "Could not
     * initialize cluster slots cache.", which keeps the first node's failure as a suppressed one.
     */
    public static String describe(Throwable failure) {
        var text = new StringBuilder(String.valueOf(failure.getMessage()));
        appendReasons(failure, text, Collections.newSetFromMap(new IdentityHashMap<>()));
        return text.toString();
    }

    private static void appendReasons(Throwable failure, StringBuilder text, Set<Throwable> seen) {
        List<Throwable> reasons = new ArrayList<>(List.of(failure.getSuppressed()));
        if (failure.getCause() != null) {
            reasons.add(0, failure.getCause());
        }
        for (Throwable reason : reasons) {
            if (!seen.add(reason)) {
                continue;
            }
            // Wrappers often repeat their cause's message; once is enough.
            if (reason.getMessage() != null && !text.toString().contains(reason.getMessage())) {
                text.append(": ").append(reason.getMessage());
            }
            appendReasons(reason, text, seen);
        }
    }
}
