package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/** What a {@code redis-sentinel://} or {@code redis-cluster://} URL says, and how a wrong one is refused. */
class TopologyUrlTest {

    @Test
    void aSentinelUrlNamesItsSentinelsTheMasterTheDatabaseAndTheMastersCredentials() {
        var url = TopologyUrl.parse("redis-sentinel://app:s3cret@s1.internal:26379,10.0.0.2:26380/2#mymaster");

        assertEquals(RedisScheme.REDIS_SENTINEL, url.scheme());
        assertEquals(List.of(new HostAndPort("s1.internal", 26379), new HostAndPort("10.0.0.2", 26380)), url.nodes());
        assertEquals("mymaster", url.masterName());
        assertEquals(2, url.database());
        assertEquals("app", url.user());
        assertEquals("s3cret", url.password());
        assertFalse(url.sentinelAuth(), "the sentinels get the credentials only when the URL says so");
    }

    @Test
    void sentinelAuthGivesTheSentinelsTheSameCredentials() {
        assertTrue(TopologyUrl.parse("rediss-sentinel://:pw@s1:26379?sentinel-auth=yes#m").sentinelAuth());
        assertFalse(TopologyUrl.parse("redis-sentinel://:pw@s1:26379?sentinel-auth=no#m").sentinelAuth());
    }

    @Test
    void aClusterUrlNamesItsSeedNodesAndCredentials() {
        var url = TopologyUrl.parse("rediss-cluster://:s3cret@n1:7000,n2:7001,[::1]:7002");

        assertEquals(RedisScheme.REDISS_CLUSTER, url.scheme());
        assertEquals(List.of(new HostAndPort("n1", 7000), new HostAndPort("n2", 7001), new HostAndPort("::1", 7002)),
                url.nodes());
        assertNull(url.user());
        assertEquals("s3cret", url.password());
        assertEquals(0, url.database());
        assertNull(url.masterName());
    }

    @Test
    void aNodeWithoutPortTakesTheUsualPortOfItsKind() {
        assertEquals(List.of(new HostAndPort("s1", 26379), new HostAndPort("s2", 26379)),
                TopologyUrl.parse("redis-sentinel://s1,s2#m").nodes());
        assertEquals(List.of(new HostAndPort("n1", 6379), new HostAndPort("::1", 6379)),
                TopologyUrl.parse("redis-cluster://n1,[::1]").nodes());
    }

    @Test
    void userAndPasswordArePercentDecodedAsInARedisUrl() {
        var url = TopologyUrl.parse("redis-cluster://app%2Bme:p%40ss%2Fw+rd%3A%23%3F%25@n1:7000/");

        assertEquals("app+me", url.user());
        assertEquals("p@ss/w+rd:#?%", url.password(), "percent-decoded; a + stays a +");
    }

    @Test
    void withoutUserInfoThereAreNoCredentials() {
        var url = TopologyUrl.parse("redis-sentinel://s1:26379#m");

        assertNull(url.user());
        assertNull(url.password());
    }

    @Test
    void itsTextMasksThePassword() {
        String shown = TopologyUrl.parse("redis-sentinel://app:s3cret@s1:26379#m").toString();

        assertFalse(shown.contains("s3cret"), shown);
        assertTrue(shown.contains("redis-sentinel://app:***@s1:26379#m"), shown);
    }

    @Test
    void aWrongUrlIsRefusedNamingTheFormExpectedAndWithoutItsPassword() {
        for (String url : List.of(
                "redis-sentinel://app:s3cret@s1:26379",
                "redis-sentinel://app:s3cret@s1:26379#",
                "redis-sentinel://app:s3cret@s1:26379#my master",
                "redis-sentinel://app:s3cret@s1:26379/x#m",
                "redis-sentinel://app:s3cret@s1:26379?protocol=3#m",
                "redis-sentinel://app:s3cret@s1:26379?sentinel-auth=maybe#m",
                "redis-sentinel://app:s3cret@#m",
                "redis-sentinel://app:s3cret@s1:26379,,s2:26379#m",
                "redis-sentinel://app:s3cret@s1:notaport#m",
                "redis-sentinel://app:s3cret@s1:0#m",
                "redis-sentinel://app:s3cret@s1:65536#m",
                "redis-sentinel://app:s3cret@::1:26379#m",
                "redis-sentinel://app:s3cret@[::1:26379#m",
                "redis-sentinel://app:s3cret@s 1:26379#m",
                "redis-sentinel://s3cret@s1:26379#m",
                "redis-sentinel://app:s3%cret@s1:26379#m",
                "redis-sentinel://app:s3 cret@s1:26379#m",
                "redis-cluster://app:s3cret@n1:7000/1",
                "redis-cluster://app:s3cret@n1:7000#m",
                "redis-cluster://app:s3cret@n1:7000?sentinel-auth=yes",
                "redis-cluster://app:s3cret@")) {
            var failure = assertThrows(IllegalArgumentException.class, () -> TopologyUrl.parse(url), url);
            String message = failure.getMessage();
            assertFalse(message.contains("s3cret") || message.contains("s3%cret") || message.contains("s3 cret"),
                    message);
            String expected = url.startsWith("redis-sentinel") ? "redis-sentinel://[user:password@]host:port"
                    : "redis-cluster://[user:password@]host:port";
            assertTrue(message.contains(expected), url + ": " + message);
            assertNull(failure.getCause(), "a cause could quote the URL");
        }
    }

    @Test
    void aServerUrlIsNotATopologyUrl() {
        assertThrows(IllegalArgumentException.class, () -> TopologyUrl.parse("redis://db:6379"));
    }
}
