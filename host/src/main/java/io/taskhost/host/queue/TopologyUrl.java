package io.taskhost.host.queue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import redis.clients.jedis.HostAndPort;

/**
 * A {@code redis-sentinel://} or {@code redis-cluster://} URL (or its {@code rediss-} form for TLS),
 * read. {@link java.net.URI} cannot be used: it refuses a list of IPv6 nodes, and it reads no user
 * info from an authority that lists several hosts.
 *
 * <pre>
 * redis-sentinel://[user:password@]host[:port][,host[:port]...][/db][?sentinel-auth=yes]#mastername
 * redis-cluster://[user:password@]host[:port][,host[:port]...]
 * </pre>
 *
 * The user and password are the master's (and the cluster nodes'), percent-decoded as in a
 * {@code redis://} URL. Sentinels often need no password, or have their own, so they are sent the
 * same credentials only with {@code sentinel-auth=yes}. A node without a port takes 26379 for a
 * sentinel and 6379 for a cluster node. An IPv6 address is written in brackets.
 *
 * @param user         null for the default user
 * @param password     null for none
 * @param nodes        the sentinels, or the cluster nodes to learn the cluster's layout from
 * @param masterName   the master's name for Sentinel; null for a cluster
 * @param sentinelAuth whether the sentinels get the user and password too
 */
record TopologyUrl(RedisScheme scheme, String user, String password, int database, List<HostAndPort> nodes,
                   String masterName, boolean sentinelAuth) {

    private static final String SENTINEL_FORM = "redis-sentinel://[user:password@]host:port[,host:port...][/db]"
            + "[?sentinel-auth=yes]#mastername, or rediss-sentinel://... for TLS";
    private static final String CLUSTER_FORM = "redis-cluster://[user:password@]host:port[,host:port...], or"
            + " rediss-cluster://... for TLS";
    /** What Sentinel allows in a master's name. */
    private static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

    /** @throws IllegalArgumentException saying what is wrong and which form is expected, with the URL masked */
    static TopologyUrl parse(String url) {
        RedisScheme scheme = RedisScheme.of(url).filter(s -> s.topology() != RedisScheme.Topology.SERVER)
                .orElseThrow(() -> new IllegalArgumentException("redis URL " + RedisConnector.masked(url)
                        + " is neither a Redis Sentinel nor a Redis Cluster URL"));
        return new Reader(url, scheme).read();
    }

    @Override
    public String toString() {
        var text = new StringBuilder(scheme.prefix());
        if (user != null || password != null) {
            text.append(user == null ? "" : user).append(password == null ? "" : ":***").append('@');
        }
        text.append(String.join(",", nodes.stream().map(TopologyUrl::hostAndPort).toList()));
        if (database != 0) {
            text.append('/').append(database);
        }
        if (sentinelAuth) {
            text.append("?sentinel-auth=yes");
        }
        if (masterName != null) {
            text.append('#').append(masterName);
        }
        return text.toString();
    }

    private static String hostAndPort(HostAndPort node) {
        return (node.getHost().contains(":") ? "[" + node.getHost() + "]" : node.getHost()) + ":" + node.getPort();
    }

    /** One URL being read, from its end: the user info runs to the last {@code @}, as {@link RedisConnector#masked} assumes. */
    private static final class Reader {

        private final String url;
        private final RedisScheme scheme;
        private final boolean sentinel;

        Reader(String url, RedisScheme scheme) {
            this.url = url;
            this.scheme = scheme;
            this.sentinel = scheme.topology() == RedisScheme.Topology.SENTINEL;
        }

        TopologyUrl read() {
            String rest = url.substring(scheme.prefix().length());
            int at = rest.lastIndexOf('@');
            String userInfo = at < 0 ? null : rest.substring(0, at);
            rest = rest.substring(at + 1);
            String fragment = null;
            int hash = rest.indexOf('#');
            if (hash >= 0) {
                fragment = rest.substring(hash + 1);
                rest = rest.substring(0, hash);
            }
            String query = null;
            int question = rest.indexOf('?');
            if (question >= 0) {
                query = rest.substring(question + 1);
                rest = rest.substring(0, question);
            }
            String path = "";
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                path = rest.substring(slash);
                rest = rest.substring(0, slash);
            }
            String[] credentials = credentials(userInfo);
            return new TopologyUrl(scheme, credentials[0], credentials[1], database(path), nodes(rest),
                    masterName(fragment), sentinelAuth(query));
        }

        /** User and password, either null; user info without a colon is refused, as Jedis refuses it. */
        private String[] credentials(String userInfo) {
            if (userInfo == null) {
                return new String[2];
            }
            if (userInfo.chars().anyMatch(c -> "/?#@ ".indexOf(c) >= 0 || Character.isWhitespace(c))) {
                throw refused("the user info holds a character that must be percent-encoded" + RedisConnector.PERCENT_ENCODING_HINT);
            }
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw refused("the user info must be user:password@ or :password@");
            }
            String user = decoded(userInfo.substring(0, colon));
            String password = decoded(userInfo.substring(colon + 1));
            return new String[] {user.isEmpty() ? null : user, password.isEmpty() ? null : password};
        }

        private String decoded(String part) {
            try {
                // Percent-decoding as URI does it: a + stays a +.
                return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw refused("the user info is not percent-encoded properly" + RedisConnector.PERCENT_ENCODING_HINT);
            }
        }

        private List<HostAndPort> nodes(String list) {
            if (list.isEmpty()) {
                throw refused("it names no " + (sentinel ? "sentinel" : "node"));
            }
            var nodes = new LinkedHashSet<HostAndPort>();
            for (String item : list.split(",", -1)) {
                nodes.add(node(item));
            }
            return List.copyOf(nodes);
        }

        private HostAndPort node(String item) {
            String host;
            String port;
            if (item.startsWith("[")) {
                int close = item.indexOf(']');
                if (close < 0) {
                    throw refused("an IPv6 address misses its closing ]: " + item);
                }
                host = item.substring(1, close);
                String after = item.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw refused("a node is not host:port: " + item);
                }
                port = after.isEmpty() ? null : after.substring(1);
                if (!IPV6.matcher(host).matches()) {
                    throw refused("not an IPv6 address: " + item);
                }
            } else {
                int colon = item.indexOf(':');
                if (colon != item.lastIndexOf(':')) {
                    throw refused("write an IPv6 address in brackets, [::1]:" + (sentinel ? "26379" : "6379") + ": "
                            + item);
                }
                host = colon < 0 ? item : item.substring(0, colon);
                port = colon < 0 ? null : item.substring(colon + 1);
                if (!HOST_NAME.matcher(host).matches()) {
                    throw refused(host.isEmpty() ? "a node without a host in the list" : "not a host name: " + item);
                }
            }
            return new HostAndPort(host, port == null ? (sentinel ? 26379 : 6379) : port(port, item));
        }

        private int port(String port, String item) {
            int number = DIGITS.matcher(port).matches() ? Integer.parseInt(port) : -1;
            if (number < 1 || number > 65535) {
                throw refused("not a port from 1 to 65535: " + item);
            }
            return number;
        }

        private int database(String path) {
            if (path.isEmpty() || path.equals("/")) {
                return 0;
            }
            String number = path.substring(1);
            if (!DIGITS.matcher(number).matches()) {
                throw refused("the path must be a database number, not " + path);
            }
            int database = Integer.parseInt(number);
            if (!sentinel && database != 0) {
                throw refused("Redis Cluster has only database 0");
            }
            return database;
        }

        private String masterName(String fragment) {
            if (!sentinel) {
                if (fragment != null) {
                    throw refused("a cluster URL names no master; #" + fragment + " is not needed");
                }
                return null;
            }
            if (fragment == null || fragment.isEmpty()) {
                throw refused("it does not name the master: end it with #mastername, as Sentinel calls it");
            }
            if (!MASTER_NAME.matcher(fragment).matches()) {
                throw refused("a master's name holds only letters, digits and . _ -");
            }
            return fragment;
        }

        private boolean sentinelAuth(String query) {
            if (query == null || query.isEmpty()) {
                return false;
            }
            if (!sentinel) {
                throw refused("a cluster URL takes no parameters");
            }
            boolean sentinelAuth = false;
            for (String parameter : query.split("&")) {
                switch (parameter) {
                    case "sentinel-auth=yes" -> sentinelAuth = true;
                    case "sentinel-auth=no" -> sentinelAuth = false;
                    default -> throw refused("unknown parameter " + parameter + "; the only one is sentinel-auth=yes"
                            + " (or no), to send the sentinels the user and password too");
                }
            }
            return sentinelAuth;
        }

        private IllegalArgumentException refused(String why) {
            return new IllegalArgumentException("redis URL " + RedisConnector.masked(url) + " is not a valid Redis "
                    + (sentinel ? "Sentinel" : "Cluster") + " URL: " + why + "; expected "
                    + (sentinel ? SENTINEL_FORM : CLUSTER_FORM));
        }
    }
}
