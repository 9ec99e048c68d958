package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.taskhost.host.plugins.TrustSettings.PermissionMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The allowlist of jar digests, and the file it is read from. */
class JarTrustAllowlistTest {

    private static final String OTHER_SHA256 = "0123456789abcdef".repeat(4);

    @TempDir
    Path temp;

    private Path jar;
    private JarCache.CachedJar cached;

    @BeforeEach
    void cacheAPluginJar() throws IOException {
        jar = HotLoadingTest.greeter("1.0.0").build(Files.createDirectories(temp.resolve("build")));
        cached = new JarCache(temp.resolve("cache")).put(jar);
    }

    @Test
    void aJarWhoseSha256IsListedIsAccepted() {
        assertEquals(Optional.empty(), check(Set.of(OTHER_SHA256, cached.sha256().toUpperCase(Locale.ROOT))));
    }

    @Test
    void aJarWhoseSha256IsNotListedIsRejectedNamingItsSha256() {
        assertEquals(Optional.of("jar sha256 " + cached.sha256() + " is not in the allowlist (1 allowed digest); add it to the"
                + " allowlist if you trust this jar"), check(Set.of(OTHER_SHA256)));
    }

    @Test
    void anEmptyAllowlistAllowsEveryJar() {
        assertEquals(Optional.empty(), check(Set.of()));
    }

    @Test
    void theAllowlistFileIgnoresCommentsAndBlankLinesAndCase() throws IOException {
        Path file = Files.writeString(temp.resolve("allowlist"), """
                # plugins approved for production

                %s  # greeter 1.0.0
                  %s
                """.formatted(cached.sha256().toUpperCase(Locale.ROOT), OTHER_SHA256));
        assertEquals(Set.of(cached.sha256(), OTHER_SHA256), TrustSettings.readAllowlist(file));
    }

    @Test
    void aBadAllowlistLineIsReportedWithTheFileAndItsLineNumber() throws IOException {
        Path file = Files.writeString(temp.resolve("allowlist"), """
                # plugins approved for production
                %s
                %s greeter.jar
                """.formatted(OTHER_SHA256, cached.sha256()));
        var failure = assertThrows(IllegalArgumentException.class, () -> TrustSettings.readAllowlist(file));
        assertEquals("allowlist " + file + " line 3: '" + cached.sha256() + " greeter.jar' is not a SHA-256 (64 hex"
                + " digits alone on the line; anything after # is a comment)", failure.getMessage());
    }

    @Test
    void aBadDigestInTheSettingsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TrustSettings(PermissionMode.STRICT, Set.of("abc"),
                Optional.empty(), null));
    }

    /** Permissions only warn here, so that these tests do not depend on the umask. */
    private Optional<String> check(Set<String> allowed) {
        var settings = new TrustSettings(PermissionMode.WARN, allowed, Optional.empty(), null);
        return new JarTrust(settings).rejection(jar.getParent(), jar, cached.path(), cached.sha256());
    }
}
