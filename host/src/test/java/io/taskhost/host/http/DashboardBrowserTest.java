package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium, driven by Selenium, against a real host whose worker
 * JVMs run the tasks. Debian's chromium and chromedriver must be installed ({@code .ci/run}
 * installs them): without them this class fails, it does not skip. One browser for the class.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = QueueProbe.DEADLINE;
    private static final Instant FAR_FUTURE = Instant.parse("3000-01-01T00:00:00Z");

    @TempDir
    static Path temp;

    private static String queueKey;
    private static Host host;
    private static QueueProbe queue;
    private static WebDriver browser;
    private static String base;

    @BeforeAll
    static void startHostAndBrowser() {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "the browser tests need "
                + CHROMIUM + " and " + CHROMEDRIVER + ": apt-get install chromium chromium-driver (.ci/run does)");
        queueKey = TestHosts.uniqueQueue();
        host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), "--max-attempts", "1",
                "--warm-spares", "0", "--http-port", Integer.toString(TestHosts.freePort())));
        queue = new QueueProbe(TestRedis.shared(), queueKey);
        base = "http://127.0.0.1:" + host.httpAddress().orElseThrow().getPort();
        browser = startBrowser();
    }

    static WebDriver startBrowser() {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1000", "--user-data-dir=" + temp.resolve("chromium-profile"));
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        var driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    @AfterAll
    static void stopBrowserAndHost() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (queue != null) {
            queue.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @AfterEach
    void resumed() {
        queue.redis().del(queue.keys().paused(), queue.keys().paused("host-" + queueKey));
    }

    @Test
    void everyPageRendersAndIsPhotographed() {
        queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
        queue.push("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"to\":\"a@example.com\"}}");
        queue.push("{\"worker\":\"fail\",\"class\":\"Fixtures\",\"params\":{\"invoice\":42}}");
        queue.awaitOutcomes(3);
        String deadId = queue.deadIds().get(0);

        open("/");
        assertEquals("Overview", heading());
        assertTrue(browser.findElement(By.cssSelector("svg.chart")).isDisplayed());
        Eventually.within(WAIT, "the overview's counts", () -> text("#counts-" + queueKey).contains("1"));
        screenshot("overview");

        open("/dead");
        assertEquals("Dead letters", heading());
        assertTrue(text("#dead-letters").contains("Fixtures.fail"), text("#dead-letters"));
        screenshot("dead-letters");

        open("/dead/letter?id=" + deadId);
        assertTrue(text("#stack-trace").contains("failed on purpose"), text("#stack-trace"));
        assertTrue(text("#payload").contains("\"invoice\":42"), text("#payload"));
        screenshot("dead-letter");

        open("/hosts");
        assertEquals("Hosts", heading());
        assertTrue(text("table.hosts").contains("host-" + queueKey));
        screenshot("hosts");

        open("/plugins");
        assertTrue(text("table.plugins").contains("fixtures"));
        assertTrue(text("table.plugins").contains("active"));
        screenshot("plugins");

        open("/in-flight");
        assertEquals("In flight in " + queueKey, heading());
        screenshot("in-flight");
    }

    @Test
    void theWaitingPagesRenderAndArePhotographed() {
        var delayed = new DelayedTasks(queue.redis(), queue.keys());
        delayed.delay(bytes("{\"worker\":\"send\",\"class\":\"Mail\",\"params\":{\"to\":\"a@example.com\"}}"),
                FAR_FUTURE);
        delayed.delay(bytes("{\"worker\":\"build\",\"class\":\"Report\",\"params\":{\"month\":\"2026-11\"}}"),
                FAR_FUTURE.plusSeconds(3600));
        queue.redis().zadd(bytes(queue.keys().retries()), FAR_FUTURE.toEpochMilli(), bytes("{\"worker\":\"charge\","
                + "\"class\":\"Billing\",\"params\":{\"invoice\":42},\"_taskhost\":{\"attempt\":2,\"history\":[]}}"));
        byte[] parked = TaskEntry.create(bytes("{\"worker\":\"resize\",\"class\":\"Images\",\"params\":{}}")).entry();
        queue.redis().zadd(bytes(queue.keys().parked()), FAR_FUTURE.toEpochMilli(), parked);
        queue.redis().zadd(bytes(queue.keys().parkedFor("Images")), FAR_FUTURE.toEpochMilli(), parked);
        queue.redis().hset(queue.keys().schedules(), "nightly-report", "{\"name\":\"nightly-report\",\"source\":"
                + "\"reports-1.0.jar\",\"recurrence\":\"cron 0 3 * * *\",\"queue\":\"" + queueKey + "\","
                + "\"catchUp\":\"latest\",\"payload\":\"{}\",\"next\":" + FAR_FUTURE.toEpochMilli()
                + ",\"host\":\"host-" + queueKey + "\",\"seenAt\":" + System.currentTimeMillis() + "}");
        try {
            open("/delayed");
            assertEquals("Delayed tasks in " + queueKey, heading());
            assertTrue(text("#delayed").contains("Mail.send"), text("#delayed"));
            assertTrue(text("#delayed").contains("Report.build"), text("#delayed"));
            screenshot("delayed");

            open("/retries");
            assertTrue(text("#retries").contains("Billing.charge"), text("#retries"));
            screenshot("retries");

            open("/parked");
            assertTrue(text("#parked").contains("Images.resize"), text("#parked"));
            screenshot("parked");

            open("/schedules");
            assertTrue(text("#schedules").contains("nightly-report"), text("#schedules"));
            assertTrue(text("#schedules").contains("cron 0 3 * * *"), text("#schedules"));
            screenshot("schedules");
        } finally {
            queue.redis().del(queue.keys().delayed(), queue.keys().retries(), queue.keys().parked(),
                    queue.keys().parkedFor("Images"), queue.keys().schedules());
        }
    }

    @Test
    void inFlightShowsTheRunningWorkersPidAndLaunch() {
        queue.push("{\"worker\":\"sleep\",\"class\":\"Fixtures\",\"params\":{\"millis\":6000}}");
        open("/in-flight");

        waitUntil(driver -> !text("#in-flight td.pid").isEmpty());

        assertTrue(text("#in-flight").contains("Fixtures.sleep"), text("#in-flight"));
        assertEquals("cold", text("#in-flight td.launch"));
        screenshot("in-flight-running");
        waitUntil(driver -> !browser.findElements(By.id("no-tasks")).isEmpty());
    }

    @Test
    void clickingRunNowRunsADelayedTaskInAWorker() {
        byte[] payload = bytes("{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"marker\":\"run-now-in-the-browser\"}}");
        new DelayedTasks(queue.redis(), queue.keys()).delay(payload, FAR_FUTURE);
        String id = DelayedTasks.idOf(payload);
        open("/delayed");

        browser.findElement(By.cssSelector("tr[data-id='" + id + "'] button.run-now")).click();

        JsonNode outcome = Eventually.value(WAIT, "the delayed task's outcome", () -> queue.outcomes().stream()
                .filter(record -> record.path("result").path("marker").asText().equals("run-now-in-the-browser"))
                .findFirst().orElse(null));
        assertEquals("passed", outcome.path("status").asText());
        assertEquals(0, queue.redis().zcard(queue.keys().delayed()));
        waitUntil(driver -> driver.findElements(
                By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
    }

    @Test
    void clickingDeleteRemovesARetry() {
        byte[] retry = bytes("{\"worker\":\"noop\",\"class\":\"Fixtures\",\"params\":{\"deleted\":true}}");
        queue.redis().zadd(bytes(queue.keys().retries()), FAR_FUTURE.toEpochMilli(), retry);
        String id = DelayedTasks.idOf(retry);
        open("/retries");

        browser.findElement(By.cssSelector("tr[data-id='" + id + "'] button.delete")).click();

        waitUntil(driver -> driver.findElements(
                By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
        assertEquals(0, queue.redis().zcard(queue.keys().retries()));
    }

    @Test
    void aScriptInADelayedPayloadIsShownAsTextAndNeverRuns() {
        String hostile = "<script>window.pwned = 1; alert('pwned')</script><img src=x onerror=\"window.pwned = 2\">";
        new DelayedTasks(queue.redis(), queue.keys()).delay(bytes("{\"worker\":\"send\",\"class\":\"Mail\","
                + "\"params\":{\"body\":\"" + hostile.replace("\"", "\\\"") + "\"}}"), FAR_FUTURE);
        try {
            open("/delayed");

            assertTrue(text("#delayed").contains("<script>window.pwned = 1; alert('pwned')</script>"),
                    text("#delayed"));
            assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript(
                    "return typeof window.pwned === 'undefined';"));
            assertTrue(browser.findElements(By.cssSelector("#delayed script, #delayed img")).isEmpty());
            screenshot("escaped-delayed-payload");
        } finally {
            queue.redis().del(queue.keys().delayed());
        }
    }

    @Test
    void clickingRetryReRunsADeadLetterInAWorker() {
        String id = DeadLetterFixtures.write(queue.redis(), queue.keys(), "Fixtures", "echo", "exception",
                "{\"worker\":\"echo\",\"class\":\"Fixtures\",\"params\":{\"marker\":\"retried-in-the-browser\"}}");
        open("/dead");

        browser.findElement(By.cssSelector("tr[data-id='" + id + "'] button.retry")).click();

        JsonNode outcome = Eventually.value(WAIT, "the retried task's outcome", () -> queue.outcomes().stream()
                .filter(record -> record.path("result").path("marker").asText().equals("retried-in-the-browser"))
                .findFirst().orElse(null));
        assertEquals("passed", outcome.path("status").asText());
        assertFalse(queue.deadIds().contains(id));
        waitUntil(driver -> driver.findElements(
                By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
    }

    @Test
    void pauseAndResumeFromTheHostsPage() {
        String self = "host-" + queueKey;
        open("/hosts");

        browser.findElement(By.cssSelector("tr[data-host='" + self + "'] button.pause")).click();

        Eventually.within(WAIT, "the host paused", host::isPaused);
        waitUntil(driver -> text("tr[data-host='" + self + "'] td.paused")
                .equals("paused"));
        screenshot("hosts-paused");

        browser.findElement(By.cssSelector("tr[data-host='" + self + "'] button.resume")).click();

        Eventually.within(WAIT, "the host resumed", () -> !host.isPaused());
        waitUntil(driver -> text("tr[data-host='" + self + "'] td.paused").equals("no"));
    }

    @Test
    void theOverviewRefreshesItselfWithoutAReload() {
        queue.redis().set(queue.keys().paused(), "1");
        Eventually.within(WAIT, "the host paused", host::isPaused);
        open("/");
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
        long waiting = queue.queueLength();

        for (int i = 0; i < 3; i++) {
            queue.push("{\"worker\":\"noop\",\"class\":\"Fixtures\"}");
        }

        String expected = Long.toString(waiting + 3);
        waitUntil(driver -> browser.findElements(
                By.cssSelector("#counts-" + queueKey + " td")).stream().findFirst().map(WebElement::getText)
                .orElse("").equals(expected));
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.notReloaded;"),
                "htmx swapped the counts in; the page was not reloaded");
    }

    @Test
    void aScriptInAPayloadIsShownAsTextAndNeverRuns() {
        String hostile = "<script>window.pwned = 1; alert('pwned')</script><img src=x onerror=\"window.pwned = 2\">";
        String id = DeadLetterFixtures.write(queue.redis(), queue.keys(), "Mail", "<script>window.pwned=3</script>",
                "exception", "{\"worker\":\"send\",\"class\":\"Mail\",\"params\":{\"body\":\"" + hostile.replace("\"",
                        "\\\"") + "\"}}");

        open("/dead");
        open("/dead/letter?id=" + id);

        assertTrue(text("#payload").contains("<script>window.pwned = 1; alert('pwned')</script>"), text("#payload"));
        assertTrue(text("#letter").contains("Mail.<script>window.pwned=3</script>"), text("#letter"));
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript(
                "return typeof window.pwned === 'undefined';"));
        assertTrue(browser.findElements(By.cssSelector("#payload script, #payload img, #letter script")).isEmpty());
        screenshot("escaped-payload");
        DeadLetterFixtures.clear(queue.redis(), queue.keys());
    }

    @Test
    void theLoginFormOpensAGuardedDashboardWithAnHttpOnlyCookie() throws Exception {
        String token = "browser-test-token-0123456789abcdef";
        String guardedQueue = TestHosts.uniqueQueue();
        try (Host guarded = TestHosts.start(TestHosts.settings(TestRedis.shared(), guardedQueue,
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache-guarded"), "--warm-spares", "0",
                "--http-port", Integer.toString(TestHosts.freePort()), "--http-token", token))) {
            String guardedBase = "http://127.0.0.1:" + guarded.httpAddress().orElseThrow().getPort();
            browser.get(guardedBase + "/dead");
            assertTrue(browser.getCurrentUrl().endsWith("/login"), browser.getCurrentUrl());

            browser.findElement(By.id("token")).sendKeys("wrong-token-wrong-token");
            browser.findElement(By.id("login")).click();
            assertTrue(text("#login-problem").contains("not this host's token"));

            browser.findElement(By.id("token")).sendKeys(token);
            browser.findElement(By.id("login")).click();

            waitUntil(driver -> heading().equals("Overview"));
            Cookie session = browser.manage().getCookieNamed(Access.COOKIE);
            assertTrue(session.isHttpOnly());
            assertEquals("Strict", session.getSameSite());
            assertFalse(String.valueOf(((JavascriptExecutor) browser).executeScript("return document.cookie;"))
                    .contains(Access.COOKIE), "scripts cannot read it");
            browser.get(guardedBase + "/dead");
            assertEquals("Dead letters", heading());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void open(String path) {
        browser.get(base + path);
    }

    /**
     * Waits for {@code condition}; an element that a navigation or a live update replaced while it was read
     * (stale) is read again, as a user's eyes would.
     */
    private static <T> T waitUntil(java.util.function.Function<org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    private static String heading() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    private static String text(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private static void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
