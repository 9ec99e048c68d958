package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.Host;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's promises against a hostile client, over raw HTTP: the token rules, the login
 * cookie, cross-site POSTs, read-only, and a payload's markup shown as text.
 */
class DashboardSecurityTest {

    private static final String TOKEN = "a-token-of-32-characters-or-so-1";
    private static final Instant FAR_FUTURE = Instant.parse("3000-01-01T00:00:00Z");

    @TempDir
    static Path temp;

    private static Host open;
    private static Host guarded;
    private static Host readOnly;
    private static QueueProbe openQueue;
    private static QueueProbe readOnlyQueue;

    @BeforeAll
    static void startHosts() {
        String openQueueKey = TestHosts.uniqueQueue();
        open = start(openQueueKey);
        guarded = start(TestHosts.uniqueQueue(), "--http-token", TOKEN);
        String readOnlyQueueKey = TestHosts.uniqueQueue();
        readOnly = start(readOnlyQueueKey, "--http-read-only");
        openQueue = new QueueProbe(TestRedis.shared(), openQueueKey);
        readOnlyQueue = new QueueProbe(TestRedis.shared(), readOnlyQueueKey);
    }

    @AfterAll
    static void stopHosts() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {openQueue, readOnlyQueue, open, guarded, readOnly}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void withATokenEveryPathButHealthNeedsIt() {
        var http = client(guarded);
        for (String path : List.of("/api/overview", "/api/dead", "/api/session", "/metrics", "/status")) {
            DashboardClient.Reply refused = http.get(path);
            assertEquals(401, refused.status(), path);
            assertEquals("Bearer realm=\"taskhost\"", refused.header("WWW-Authenticate"), path);
            assertFalse(refused.body().contains(TOKEN), path);
            assertEquals(401, http.get(path, "Authorization", "Bearer " + TOKEN + "x").status(), path);
            assertEquals(200, http.get(path, "Authorization", "Bearer " + TOKEN).status(), path);
        }
        assertTrue(List.of(200, 503).contains(http.get("/health").status()), "/health reveals nothing and stays open");
        DashboardClient.Reply page = http.get("/dead");
        assertEquals(303, page.status(), "a page sends a browser to the login form");
        assertEquals("/login", page.header("Location"));
        assertEquals(200, http.get("/login").status());
    }

    @Test
    void theLoginFormSetsAStrictHttpOnlyCookieThatOpensThePages() {
        var http = client(guarded);
        String csrf = http.get("/login").body().replaceAll("(?s).*name=\"csrf\" value=\"([0-9a-f]+)\".*", "$1");

        DashboardClient.Reply wrong = http.post("/login", Map.of("csrf", csrf, "token", "not-the-token-at-all"));
        assertEquals(401, wrong.status());
        assertNull(wrong.header("Set-Cookie"));
        assertEquals(403, http.post("/login", Map.of("token", TOKEN)).status(), "a login needs the CSRF token too");

        DashboardClient.Reply login = http.post("/login", Map.of("csrf", csrf, "token", TOKEN));

        assertEquals(303, login.status());
        String cookie = login.header("Set-Cookie");
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);
        assertTrue(cookie.contains("Path=/"), cookie);
        assertFalse(cookie.contains(TOKEN), "the cookie is not the token itself: " + cookie);
        String session = cookie.substring(0, cookie.indexOf(';'));
        assertEquals(200, http.get("/dead", "Cookie", session).status());
        assertEquals(200, http.get("/api/overview", "Cookie", session).status());
        assertEquals(401, http.get("/api/overview", "Cookie", session + "0").status());
    }

    @Test
    void aCrossSitePostIsRefusedAndChangesNothing() {
        var http = client(open);
        String id = DeadLetterFixtures.write(openQueue.redis(), openQueue.keys(), "Mail", "send", "exception", "{}");
        String self = http.base().toString().replaceAll("/$", "");

        assertEquals(403, http.post("/api/dead/delete", Map.of("id", id)).status(), "no CSRF token");
        assertEquals(403, http.post("/api/dead/delete", Map.of("id", id, "csrf", "0".repeat(64))).status(),
                "a wrong CSRF token");
        assertEquals(403, http.post("/api/dead/delete", http.withCsrf(Map.of("id", id)), "Origin",
                "https://evil.example").status(), "a foreign Origin, even with the token");
        assertEquals(403, http.post("/api/dead/delete", http.withCsrf(Map.of("id", id)), "Sec-Fetch-Site",
                "cross-site").status(), "Sec-Fetch-Site: cross-site, even with the token");
        assertEquals(403, http.post("/dead/delete", http.withCsrf(Map.of("id", id)), "Origin", "null").status());
        assertEquals(List.of(id), openQueue.deadIds(), "nothing was deleted");

        assertEquals(200, http.post("/api/dead/delete", http.withCsrf(Map.of("id", id)), "Origin", self,
                "Sec-Fetch-Site", "same-origin").status());
        assertEquals(List.of(), openQueue.deadIds());
    }

    @Test
    void aCrossSitePostToRunOrDeleteAWaitingTaskIsRefusedAndChangesNothing() {
        var http = client(open);
        byte[] payload = "{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":{\"cross\":1}}"
                .getBytes(StandardCharsets.UTF_8);
        new DelayedTasks(openQueue.redis(), openQueue.keys()).delay(payload, FAR_FUTURE);
        openQueue.redis().zadd(openQueue.keys().retries().getBytes(StandardCharsets.UTF_8),
                FAR_FUTURE.toEpochMilli(), payload);
        String id = DelayedTasks.idOf(payload);
        try {
            for (String action : List.of("/api/delayed/run-now", "/api/delayed/delete", "/api/retries/run-now",
                    "/api/retries/delete", "/delayed/delete", "/retries/run-now")) {
                assertEquals(403, http.post(action, Map.of("id", id)).status(), action + " without the CSRF token");
                assertEquals(403, http.post(action, http.withCsrf(Map.of("id", id)), "Origin", "https://evil.example")
                        .status(), action + " from a foreign Origin");
                assertEquals(403, http.post(action, http.withCsrf(Map.of("id", id)), "Sec-Fetch-Site", "cross-site")
                        .status(), action + " cross-site");
            }
            assertEquals(1, openQueue.redis().zcard(openQueue.keys().delayed()), "nothing ran nor went");
            assertEquals(1, openQueue.redis().zcard(openQueue.keys().retries()), "nothing ran nor went");
        } finally {
            openQueue.redis().del(openQueue.keys().delayed(), openQueue.keys().retries());
        }
    }

    @Test
    void aDelayedPayloadsMarkupIsShownAsText() {
        var http = client(open);
        byte[] payload = "{\"worker\":\"<img src=x>\",\"class\":\"Mail\",\"params\":{\"html\":\"<script>alert('d')</script>\"}}"
                .getBytes(StandardCharsets.UTF_8);
        new DelayedTasks(openQueue.redis(), openQueue.keys()).delay(payload, FAR_FUTURE);
        try {
            String html = http.get("/delayed").body();
            assertFalse(html.contains("<script>alert"), html);
            assertFalse(html.contains("<img src=x>"), html);
            assertTrue(html.contains("&lt;script&gt;alert(&#39;d&#39;)&lt;/script&gt;"), html);
            assertTrue(html.contains("Mail.&lt;img src=x&gt;"), html);
        } finally {
            openQueue.redis().del(openQueue.keys().delayed());
        }
    }

    @Test
    void theBearerTokenAloneAuthorizesAPostFromAScript() {
        var http = client(guarded);
        DashboardClient.Reply pause = http.post("/api/hosts/pause", Map.of(), "Authorization", "Bearer " + TOKEN);
        assertEquals(200, pause.status(), pause.body());
        DashboardClient.Reply resume = http.post("/api/hosts/resume", Map.of(), "Authorization", "Bearer " + TOKEN);
        assertEquals(200, resume.status(), resume.body());
        assertEquals(401, http.post("/api/hosts/pause", Map.of()).status());
    }

    @Test
    void readOnlyHidesEveryButtonAndRefusesEveryPost() {
        var http = client(readOnly);
        String id = DeadLetterFixtures.write(readOnlyQueue.redis(), readOnlyQueue.keys(), "Mail", "send", "exception",
                "{}");
        byte[] waiting = "{\"worker\":\"noop\",\"class\":\"Fixtures\"}".getBytes(StandardCharsets.UTF_8);
        new DelayedTasks(readOnlyQueue.redis(), readOnlyQueue.keys()).delay(waiting, FAR_FUTURE);
        readOnlyQueue.redis().zadd(readOnlyQueue.keys().retries().getBytes(StandardCharsets.UTF_8),
                FAR_FUTURE.toEpochMilli(), waiting);
        for (String page : List.of("/", "/dead", "/dead/letter?id=" + id, "/hosts", "/plugins", "/in-flight",
                "/delayed", "/retries", "/parked", "/schedules")) {
            String html = http.get(page).body();
            assertFalse(html.matches("(?s).*<button class=\"[a-z-]+\".*"), "no button but the filter's: " + html);
            assertFalse(html.contains("method=\"post\""), page);
            assertTrue(html.contains("read-only"), page);
        }
        assertEquals(403, http.post("/api/dead/delete", http.withCsrf(Map.of("id", id))).status());
        assertEquals(403, http.post("/hosts/pause", http.withCsrf(Map.of())).status());
        assertEquals(List.of(id), readOnlyQueue.deadIds());
        for (String action : List.of("/api/delayed/run-now", "/api/delayed/delete", "/api/retries/run-now",
                "/api/retries/delete")) {
            assertEquals(403, http.post(action, http.withCsrf(Map.of("id", DelayedTasks.idOf(waiting)))).status(),
                    action);
        }
        assertEquals(1, readOnlyQueue.redis().zcard(readOnlyQueue.keys().delayed()));
        assertEquals(1, readOnlyQueue.redis().zcard(readOnlyQueue.keys().retries()));
        readOnlyQueue.redis().del(readOnlyQueue.keys().delayed(), readOnlyQueue.keys().retries());
    }

    @Test
    void aPayloadsMarkupIsShownAsTextOnEveryPageThatShowsIt() {
        var http = client(open);
        String script = "<script>alert('x')</script>";
        String id = DeadLetterFixtures.write(openQueue.redis(), openQueue.keys(), "<b>Class</b>", "<img src=x>",
                "exception", "{\"worker\":\"w\",\"params\":{\"html\":\"" + script + "\"}}");

        String list = http.get("/dead").body();
        String letter = http.get("/dead/letter?id=" + id).body();

        for (String html : List.of(list, letter)) {
            assertFalse(html.contains("<b>Class</b>"), html);
            assertFalse(html.contains("<img src=x>"), html);
            assertTrue(html.contains("&lt;b&gt;Class&lt;/b&gt;"), html);
        }
        assertFalse(letter.contains(script), letter);
        assertTrue(letter.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), letter);
        assertTrue(http.get("/dead").header("Content-Security-Policy").contains("script-src 'self'"));
        DeadLetterFixtures.clear(openQueue.redis(), openQueue.keys());
    }

    @Test
    void aFormGoesBackOnlyToAPathOfThisSite() {
        var http = client(open);
        for (String back : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x")) {
            DashboardClient.Reply reply = http.post("/hosts/resume", http.withCsrf(Map.of("back", back)));
            assertEquals(303, reply.status(), back);
            assertEquals("/", reply.header("Location"), back);
        }
        assertEquals("/hosts", http.post("/hosts/resume", http.withCsrf(Map.of("back", "/hosts"))).header("Location"));
    }

    @Test
    void anOversizedFormIsRefusedUnread() {
        var http = client(open);
        DashboardClient.Reply reply = http.post("/api/hosts/pause", Map.of("padding", "x".repeat(100_000)),
                "X-CSRF-Token", http.csrf());
        assertEquals(413, reply.status());
        assertFalse(openQueue.redis().exists(openQueue.keys().paused()));
    }

    private static DashboardClient client(Host host) {
        return new DashboardClient(host.httpAddress().orElseThrow());
    }

    private static Host start(String queue, String... extra) {
        String[] flags = new String[extra.length + 6];
        System.arraycopy(new String[] {"--warm-spares", "0", "--class-data-sharing=false", "--http-port",
                Integer.toString(TestHosts.freePort()), "--max-attempts=1"}, 0, flags, 0, 6);
        System.arraycopy(extra, 0, flags, 6, extra.length);
        return TestHosts.start(TestHosts.settings(TestRedis.shared(), queue, TestHosts.pluginsDirWith(temp,
                "fixtures.jar"), temp.resolve("cache-" + queue), flags));
    }
}
