package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Redis URL's password, in every form a user writes it, never shows where the URL is named. */
class RedisUrlMaskingTest {

    /** The URL, its password as written in it, and the masked URL. */
    private record Form(String url, String password, String masked) {
    }

    private static final List<Form> FORMS = List.of(
            new Form("redis://app:s3cret@db:6379/2", "s3cret", "redis://app:***@db:6379/2"),
            new Form("redis://:s3cret@db:6379", "s3cret", "redis://:***@db:6379"),
            new Form("rediss://app:s3cret@db:6380", "s3cret", "rediss://app:***@db:6380"),
            new Form("redis://app:pa/ss@db:6379", "pa/ss", "redis://app:***@db:6379"),
            new Form("redis://app:pa%2Fss@db:6379", "pa%2Fss", "redis://app:***@db:6379"),
            new Form("redis://app:p@ss@db:6379", "p@ss", "redis://app:***@db:6379"),
            new Form("redis://app:p%40ss@db:6379", "p%40ss", "redis://app:***@db:6379"),
            new Form("redis://app:p:a:ss@db:6379", "p:a:ss", "redis://app:***@db:6379"),
            new Form("redis://app:p%3Ass@db:6379", "p%3Ass", "redis://app:***@db:6379"),
            new Form("redis://app:p#ss@db:6379", "p#ss", "redis://app:***@db:6379"),
            new Form("redis://app:p?ss@db:6379/0?protocol=3", "p?ss", "redis://app:***@db:6379/0?protocol=3"),
            new Form("redis://app:p%23s%3Fs@db:6379", "p%23s%3Fs", "redis://app:***@db:6379"),
            new Form("redis://app:/@:#?@db:6379", "/@:#?", "redis://app:***@db:6379"),
            new Form("redis://app:pa ss@db:6379", "pa ss", "redis://app:***@db:6379"),
            new Form("redis://s3cret@db:6379", "s3cret", "redis://***@db:6379"),
            new Form("app:s3cret@db:6379", "s3cret", "app:***@db:6379"),
            new Form("redis:/app:s3cret@db:6379", "s3cret", "redis:***@db:6379"),
            new Form("redis-sentinel://app:s3cret@s1:26379,s2:26379/2#mymaster", "s3cret",
                    "redis-sentinel://app:***@s1:26379,s2:26379/2#mymaster"),
            new Form("rediss-sentinel://:s3cret@s1:26379?sentinel-auth=yes#mymaster", "s3cret",
                    "rediss-sentinel://:***@s1:26379?sentinel-auth=yes#mymaster"),
            new Form("redis-sentinel://app:p@s#s@s1:26379#mymaster", "p@s#s", "redis-sentinel://app:***@s1:26379#mymaster"),
            new Form("redis-sentinel://s3cret@s1#m", "s3cret", "redis-sentinel://***@s1#m"),
            new Form("redis-cluster://app:p%40ss@n1:7000,n2:7000", "p%40ss", "redis-cluster://app:***@n1:7000,n2:7000"),
            new Form("rediss-cluster://app:p/a:ss@[::1]:7000,[::1]:7001", "p/a:ss",
                    "rediss-cluster://app:***@[::1]:7000,[::1]:7001"));

    @Test
    void everyFormOfPasswordIsMasked() {
        for (Form form : FORMS) {
            String masked = RedisConnector.masked(form.url());
            assertEquals(form.masked(), masked, form.url());
            assertFalse(masked.contains(form.password()), form.url() + " -> " + masked);
        }
    }

    @Test
    void aUrlWithoutPasswordAndTheEmbeddedFormsStayAsTheyAre() {
        for (String url : List.of("redis://db:6379", "rediss://db:6380/1", "embedded", "embedded:6390",
                "redis://127.0.0.1:6379/0?protocol=3", "redis-sentinel://s1:26379,s2:26379/1#mymaster",
                "rediss-cluster://n1:7000,[::1]:7001")) {
            assertEquals(url, RedisConnector.masked(url));
        }
        assertNull(RedisConnector.masked(null));
    }

    @Test
    void aMessageQuotingTheUrlOrThePasswordWrittenOrDecodedShowsNeither() {
        String url = "redis://app:p%40ss%2Fw+rd@db:6379";
        String message = "cannot connect to " + url + " as app with p%40ss%2Fw+rd, that is p@ss/w+rd";

        String scrubbed = RedisConnector.withoutPassword(message, url);

        assertEquals("cannot connect to redis://app:***@db:6379 as app with ***, that is ***", scrubbed);
    }

    @Test
    void aMessageQuotingASentinelUrlOrItsPasswordShowsNeither() {
        String url = "redis-sentinel://app:p%40ss@s1:26379,s2:26379#mymaster";
        String message = "sentinels of " + url + " refused p@ss";

        assertEquals("sentinels of redis-sentinel://app:***@s1:26379,s2:26379#mymaster refused ***",
                RedisConnector.withoutPassword(message, url));
    }

    @Test
    void aUrlThatDoesNotParseIsRefusedWithoutItsPassword() {
        for (String url : List.of("redis://app:pa ss@db:6379", "redis://app:p%ss@db:6379", "redis://app:p@ss@db:6379",
                "redis://app:s3cret@db:notaport", "redis://app:s3cret@", "redis-sentinel://app:s3cret@s1:26379",
                "redis-cluster://app:s3cret@n1:notaport", "rediss-cluster://app:p@ss@")) {
            var failure = assertThrows(IllegalArgumentException.class,
                    () -> RedisConnector.connect(url, Duration.ofSeconds(1), 1).close(), url);
            String password = url.substring(url.indexOf("://app:") + "://app:".length(), url.lastIndexOf('@'));
            assertFalse(failure.getMessage().contains(password), failure.getMessage());
            assertTrue(failure.getMessage().contains("://app:***@"), failure.getMessage());
            assertNull(failure.getCause(), "a cause would carry the parser's message, which quotes the URL");
        }
    }
}
