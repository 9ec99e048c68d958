package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TamperingPlugins;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers run the plugin jar the host cached and verified, never other bytes at its path: a copy changed by
 * another plugin's task, or on disk before the host started, is copied again from plugins-dir, or its task
 * fails saying so.
 */
class CachedJarTamperingTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String WHO = "{\"worker\":\"who\",\"class\":\"Victim\"}";

    @TempDir
    Path temp;

    private Path plugins;
    private Path planted;
    private Path cache;
    private String queueKey;

    @BeforeEach
    void plugins() throws Exception {
        plugins = Files.createDirectories(temp.resolve("plugins"));
        cache = temp.resolve("cache");
        queueKey = TestHosts.uniqueQueue();
        TamperingPlugins.victim("genuine").buildInto(plugins, "victim.jar");
        TamperingPlugins.attacker().buildInto(plugins, "attacker.jar");
        planted = TamperingPlugins.victim("planted").buildInto(Files.createDirectories(temp.resolve("planted")),
                "victim.jar");
    }

    private Host start(String... extra) {
        String[] settings = new String[extra.length + 1];
        settings[0] = "--class-data-sharing=false";
        System.arraycopy(extra, 0, settings, 1, extra.length);
        Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, cache, settings));
        Eventually.within(DEADLINE, "both plugins routable", () -> host.catalog().routes().route("Victim").isPresent()
                && host.catalog().routes().route("Attacker").isPresent());
        return host;
    }

    private static Path cachedVictim(Host host) {
        return host.catalog().routes().route("Victim").orElseThrow().plugin().cachedJar();
    }

    private static void attack(QueueProbe queue, Path target, Path planted, String mode, int nth) {
        queue.push(TamperingPlugins.overwrite(target, planted, mode));
        JsonNode done = queue.awaitOutcomes("overwrite", nth).get(nth - 1);
        assertEquals("passed", done.path("status").asText(), "the attack itself failed: " + done);
    }

    private static String who(QueueProbe queue, int nth) {
        queue.push(WHO);
        JsonNode outcome = queue.awaitOutcomes("who", nth).get(nth - 1);
        assertEquals("passed", outcome.path("status").asText(), outcome.toString());
        return outcome.path("result").asText();
    }

    @Test
    void aCachedJarOverwrittenInPlaceByAnotherPluginsTaskIsCopiedAgainBeforeItsNextTask() throws Exception {
        try (Host host = start("--warm-spares", "0");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            assertEquals("genuine", who(queue, 1));
            Path cached = cachedVictim(host);
            String digest = JarDigest.fromCachedName(cached).orElseThrow();

            attack(queue, cached, planted, "in-place", 1);
            assertNotEquals(digest, JarDigest.of(cached), "the attack did not change the cached copy");

            assertEquals("genuine", who(queue, 2));
            assertEquals(digest, JarDigest.of(cached), "the cached copy was not restored");
        }
    }

    @Test
    void aCachedJarReplacedWhileASpareWaitsIsCopiedAgainAndTheSpareIsNotUsed() throws Exception {
        try (Host host = start("--warm-spares", "1");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            assertEquals("genuine", who(queue, 1));
            Eventually.within(DEADLINE, "a spare for the victim", () -> host.idleWorkers() >= 1);
            Path cached = cachedVictim(host);

            attack(queue, cached, planted, "replace", 1);

            assertEquals("genuine", who(queue, 2));
            assertEquals("genuine", who(queue, 3));
            assertEquals(JarDigest.fromCachedName(cached).orElseThrow(), JarDigest.of(cached));
        }
    }

    @Test
    void aCachedCopyTamperedOnDiskBeforeTheHostStartsIsCopiedAgainNotReused() throws Exception {
        String digest = JarDigest.of(plugins.resolve("victim.jar"));
        Path cached = Files.createDirectories(cache.resolve("jars")).resolve(digest + ".jar");
        Files.copy(planted, cached);

        try (Host host = start("--warm-spares", "0");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            assertEquals(cached, cachedVictim(host));
            assertEquals("genuine", who(queue, 1));
            assertEquals(digest, JarDigest.of(cached));
            assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cached)),
                    "cached copies are read-only");
        }
    }

    @Test
    void aTamperedCachedJarThatCannotBeCopiedAgainFailsItsTaskSayingSo() throws Exception {
        try (Host host = start("--warm-spares", "0");
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            assertEquals("genuine", who(queue, 1));
            Path cached = cachedVictim(host);
            attack(queue, cached, planted, "in-place", 1);
            Path garbage = Files.writeString(temp.resolve("garbage.jar"), "not a jar any more");
            Files.move(garbage, plugins.resolve("victim.jar"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Eventually.within(DEADLINE, "the broken replacement rejected, the cached version still serving",
                    () -> host.catalog().rejected().containsKey(plugins.resolve("victim.jar")));

            queue.push(WHO);
            JsonNode outcome = queue.awaitOutcomes("who", 2).get(1);

            assertNotEquals("planted", outcome.path("result").asText(), outcome.toString());
            assertEquals("launch_failed", outcome.path("cause").asText(), outcome.toString());
            String reason = outcome.path("reason").asText();
            assertTrue(reason.contains("tampered") && reason.contains(cached.toString()), reason);
        }
    }
}
