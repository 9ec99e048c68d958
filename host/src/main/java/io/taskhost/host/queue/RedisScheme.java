package io.taskhost.host.queue;

import java.util.Optional;

/**
 * The scheme of a {@code --redis} URL: which kind of Redis deployment it names, and whether its
 * connections use TLS. Schemes are matched in lower case, as they always have been.
 */
public enum RedisScheme {

    REDIS("redis", Topology.SERVER, false),
    REDISS("rediss", Topology.SERVER, true),
    REDIS_SENTINEL("redis-sentinel", Topology.SENTINEL, false),
    REDISS_SENTINEL("rediss-sentinel", Topology.SENTINEL, true),
    REDIS_CLUSTER("redis-cluster", Topology.CLUSTER, false),
    REDISS_CLUSTER("rediss-cluster", Topology.CLUSTER, true);

    /** The URL forms, as help texts and messages name them. */
    public static final String FORMS = "redis://[user:password@]host:port[/db] (one server),"
            + " redis-sentinel://[user:password@]host:port,host:port[/db]#mastername (a master that Redis Sentinel"
            + " watches) or redis-cluster://[user:password@]host:port,host:port (Redis Cluster);"
            + " rediss://, rediss-sentinel:// and rediss-cluster:// for TLS";

    /** What a URL names. */
    public enum Topology {
        /** One Redis server (or a proxy in front of several). */
        SERVER,
        /** The master that Redis Sentinel names, found through the sentinels listed. */
        SENTINEL,
        /** A Redis Cluster, found through any of the nodes listed. */
        CLUSTER
    }

    private final String name;
    private final Topology topology;
    private final boolean tls;

    RedisScheme(String name, Topology topology, boolean tls) {
        this.name = name;
        this.topology = topology;
        this.tls = tls;
    }

    /** The scheme {@code url} starts with, followed by {@code ://}; empty for any other string, and for null. */
    public static Optional<RedisScheme> of(String url) {
        if (url != null) {
            for (RedisScheme scheme : values()) {
                if (url.startsWith(scheme.prefix())) {
                    return Optional.of(scheme);
                }
            }
        }
        return Optional.empty();
    }

    /** The scheme with {@code ://}, as a URL starts. */
    public String prefix() {
        return name + "://";
    }

    public Topology topology() {
        return topology;
    }

    public boolean tls() {
        return tls;
    }
}
