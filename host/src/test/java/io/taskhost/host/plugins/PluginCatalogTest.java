package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.ManualClock;
import io.taskhost.host.testing.TestHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog of a plugins-dir, driven directly: rescans of a temporary directory with jars built by the test, and
 * a clock the test moves, so that a file's age is whatever the test says.
 */
class PluginCatalogTest {

    /** How long the catalog leaves a file alone after it last changed. */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(400);
    private static final String GREETER = "GreeterModel";

    @TempDir
    static Path built;
    private static Path greeter1;
    private static Path greeter2;
    private static Path notAJar;

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private Path plugins;
    private PluginCatalog catalog;
    private int drops;

    @BeforeAll
    static void buildJars() throws IOException {
        greeter1 = HotLoadingTest.greeter("1.0.0").build(Files.createDirectories(built.resolve("greeter-1")));
        greeter2 = HotLoadingTest.greeter("2.0.0").build(Files.createDirectories(built.resolve("greeter-2")));
        notAJar = Files.writeString(built.resolve("not-a-jar.jar"), "this is not a zip file");
    }

    @BeforeEach
    void catalog() throws IOException {
        plugins = Files.createDirectories(temp.resolve("plugins"));
        catalog = new PluginCatalog(plugins, new JarCache(temp.resolve("cache").resolve("jars")), new PluginInspector(),
                JarVetting.TRUST_ALL, clock);
    }

    @Test
    void aFreshFileWaitsForTheQuietPeriod() throws IOException {
        drop(greeter1, "greeter.jar", clock.instant().minusMillis(1));

        assertTrue(catalog.rescan(), "a file written a moment ago asks for another rescan");
        assertTrue(catalog.routes().route(GREETER).isEmpty());
        assertTrue(catalog.snapshot("host").jars().isEmpty(), "not even looked at yet");
        clock.advance(QUIET_PERIOD.minusMillis(2));
        assertTrue(catalog.rescan(), "still within the quiet period");
        assertTrue(catalog.routes().route(GREETER).isEmpty());

        clock.advance(Duration.ofMillis(1));
        assertFalse(catalog.rescan(), "nothing left to wait for");
        assertEquals("1.0.0", servingVersion(GREETER));
    }

    @Test
    void aBadReplacementKeepsThePreviousVersionServingAndReportsTheRejection() throws IOException {
        drop(greeter1, "greeter.jar");
        catalog.rescan();
        PluginJar good = catalog.routes().route(GREETER).orElseThrow().plugin();
        List<RoutingTable> tables = listen();

        drop(notAJar, "greeter.jar");
        assertFalse(catalog.rescan());

        assertSame(good, catalog.routes().route(GREETER).orElseThrow().plugin(), "1.0.0 keeps serving");
        String rejection = catalog.rejected().get(plugins.resolve("greeter.jar"));
        assertNotNull(rejection, "the rejection is reported: " + catalog.rejected());
        assertTrue(rejection.contains("greeter.jar"), rejection);
        assertTrue(tables.isEmpty(), "what serves did not change, so no new table: " + tables);
        CatalogSnapshot.JarStatus status = onlyJar(catalog.snapshot("host"));
        assertEquals(CatalogSnapshot.REJECTED, status.status());
        assertEquals(rejection, status.reason());
        assertEquals("greeter@1.0.0 sha256 " + good.sha256(), status.serving());
        assertNotEquals(good.sha256(), status.sha256(), "the digest of the rejected file");
    }

    @Test
    void aGoodFileAfterABadReplacementServesAndClearsTheRejection() throws IOException {
        drop(greeter1, "greeter.jar");
        catalog.rescan();
        drop(notAJar, "greeter.jar");
        catalog.rescan();
        assertEquals(1, catalog.rejected().size());

        drop(greeter2, "greeter.jar");
        catalog.rescan();

        assertEquals("2.0.0", servingVersion(GREETER));
        assertEquals(Map.of(), catalog.rejected());
        assertEquals(CatalogSnapshot.ACTIVE, onlyJar(catalog.snapshot("host")).status());
    }

    @Test
    void removingAJarRemovesItsRoutesOnly() throws IOException {
        drop(greeter1, "greeter.jar");
        drop(TestHosts.builtPluginsDir().resolve("fixtures.jar"), "fixtures.jar");
        catalog.rescan();
        assertTrue(catalog.routes().route(GREETER).isPresent());

        Files.delete(plugins.resolve("greeter.jar"));
        catalog.rescan();

        assertTrue(catalog.routes().route(GREETER).isEmpty());
        assertTrue(catalog.routes().route("Fixtures").isPresent(), "the other jar keeps its routes");
        assertEquals(List.of("fixtures"), catalog.routes().plugins().stream().map(PluginJar::id).toList());
        assertEquals(List.of("fixtures.jar"), catalog.snapshot("host").jars().stream()
                .map(CatalogSnapshot.JarStatus::file).toList());
    }

    @Test
    void ofTwoJarsWithOnePluginIdTheHigherVersionServes() throws IOException {
        // The lower version has the later file name, which settles a tie: the version must decide.
        drop(greeter2, "a-greeter.jar");
        drop(greeter1, "b-greeter.jar");
        catalog.rescan();

        assertEquals("2.0.0", servingVersion(GREETER));
        assertEquals(1, catalog.routes().plugins().size(), "one plugin per id");
        assertTrue(catalog.routes().conflicts().stream().anyMatch(conflict -> conflict.contains("supersedes")),
                catalog.routes().conflicts().toString());

        Files.delete(plugins.resolve("a-greeter.jar"));
        catalog.rescan();
        assertEquals("1.0.0", servingVersion(GREETER), "the lower version serves once the higher is removed");
    }

    @Test
    void listenersGetEachNewTableEvenWhenAnotherListenerFails() throws IOException {
        catalog.onChange(table -> {
            throw new IllegalStateException("a listener that fails");
        });
        List<RoutingTable> tables = listen();

        drop(greeter1, "greeter.jar");
        catalog.rescan();
        catalog.rescan();
        assertEquals(1, tables.size(), "one table per change, none for a rescan that found none");
        assertSame(catalog.routes(), tables.get(0));
        assertTrue(tables.get(0).route(GREETER).isPresent());

        drop(TestHosts.builtPluginsDir().resolve("fixtures.jar"), "fixtures.jar");
        catalog.rescan();
        Files.delete(plugins.resolve("greeter.jar"));
        catalog.rescan();

        assertEquals(3, tables.size());
        assertFalse(tables.get(0).classNames().contains("Fixtures"));
        assertTrue(tables.get(1).classNames().containsAll(List.of(GREETER, "Fixtures")), tables.get(1).classNames()
                .toString());
        assertFalse(tables.get(2).classNames().contains(GREETER));
        assertSame(catalog.routes(), tables.get(2));
    }

    @Test
    void theSnapshotSaysOfEachJarWhetherItIsActiveSupersededOrRejected() throws IOException {
        drop(greeter2, "a-greeter.jar");
        drop(greeter1, "b-greeter.jar");
        drop(notAJar, "c-broken.jar");
        catalog.rescan();

        CatalogSnapshot snapshot = catalog.snapshot("host-1");

        assertEquals("host-1", snapshot.host());
        assertEquals(clock.millis(), snapshot.takenAt());
        assertEquals(plugins.toString(), snapshot.directory());
        assertEquals(List.of("a-greeter.jar", "b-greeter.jar", "c-broken.jar"),
                snapshot.jars().stream().map(CatalogSnapshot.JarStatus::file).toList());
        CatalogSnapshot.JarStatus active = snapshot.jars().get(0);
        assertEquals(CatalogSnapshot.ACTIVE, active.status());
        assertEquals("greeter", active.id());
        assertEquals("2.0.0", active.version());
        assertNull(active.reason());
        assertEquals(List.of(new CatalogSnapshot.ClassStatus("com.example.greeter.Greeter", List.of("Greeter", GREETER),
                List.of("slow_version", "version"))), active.classes());
        CatalogSnapshot.JarStatus superseded = snapshot.jars().get(1);
        assertEquals(CatalogSnapshot.SUPERSEDED, superseded.status());
        assertEquals("1.0.0", superseded.version());
        assertEquals("a higher version of plugin greeter is active", superseded.reason());
        CatalogSnapshot.JarStatus rejected = snapshot.jars().get(2);
        assertEquals(CatalogSnapshot.REJECTED, rejected.status());
        assertEquals(catalog.rejected().get(plugins.resolve("c-broken.jar")), rejected.reason());
        assertNull(rejected.serving(), "no earlier version of that file");
        assertEquals(catalog.routes().conflicts(), snapshot.conflicts());
    }

    @Test
    void aTamperedCachedCopyIsCopiedAgainFromPluginsDir() throws IOException {
        drop(greeter1, "greeter.jar");
        catalog.rescan();
        PluginJar jar = catalog.routes().route(GREETER).orElseThrow().plugin();
        assertTrue(catalog.verifyCachedJar(jar.cachedJar()), "an intact copy");

        tamper(jar.cachedJar());

        assertFalse(catalog.verifyCachedJar(jar.cachedJar()), "changed, and genuine again now");
        assertEquals(jar.sha256(), JarDigest.of(jar.cachedJar()));
        assertTrue(catalog.verifyCachedJar(jar.cachedJar()));
    }

    @Test
    void aTamperedCachedCopyWhoseSourceChangedTooIsNotRun() throws IOException {
        drop(greeter1, "greeter.jar");
        catalog.rescan();
        PluginJar jar = catalog.routes().route(GREETER).orElseThrow().plugin();
        drop(greeter2, "greeter.jar");

        tamper(jar.cachedJar());

        IOException refused = assertThrows(IOException.class, () -> catalog.verifyCachedJar(jar.cachedJar()));
        assertTrue(refused.getMessage().contains("cannot be copied again"), refused.getMessage());
        assertTrue(refused.getMessage().contains(jar.cachedJar().toString()), refused.getMessage());
    }

    /** Copies {@code jar} into plugins-dir as {@code name} in one move, last modified long enough ago to be loaded. */
    private Path drop(Path jar, String name) throws IOException {
        return drop(jar, name, clock.instant().minus(Duration.ofHours(1)).plusSeconds(++drops));
    }

    private Path drop(Path jar, String name, Instant modified) throws IOException {
        Path staged = Files.copy(jar, Files.createDirectories(temp.resolve("staging")).resolve(name),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(staged, FileTime.from(modified));
        return Files.move(staged, plugins.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private List<RoutingTable> listen() {
        List<RoutingTable> tables = new CopyOnWriteArrayList<>();
        catalog.onChange(tables::add);
        return tables;
    }

    private String servingVersion(String taskClass) {
        return catalog.routes().route(taskClass).orElseThrow(() -> new AssertionError(taskClass + " is not routable"))
                .plugin().version();
    }

    private static CatalogSnapshot.JarStatus onlyJar(CatalogSnapshot snapshot) {
        assertEquals(1, snapshot.jars().size(), snapshot.jars().toString());
        return snapshot.jars().get(0);
    }

    /** Overwrites a cached copy in place, as a task of the host's user could. */
    private static void tamper(Path cached) throws IOException {
        Files.setPosixFilePermissions(cached, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(cached, "planted bytes");
    }
}
