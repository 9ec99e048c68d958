package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedFilesTest {

    @TempDir
    Path temp;

    /** A clock past the settling time of every file written now, so that fingerprints are trusted. */
    private static VerifiedFiles settled() {
        return new VerifiedFiles(Clock.fixed(Instant.now().plus(Duration.ofMinutes(1)), ZoneOffset.UTC));
    }

    @Test
    void aWriteThatKeepsSizeAndModificationTimeIsStillCaught() throws Exception {
        Path file = Files.writeString(temp.resolve("a.jar"), "genuine bytes");
        String digest = JarDigest.of(file);
        VerifiedFiles verified = settled();
        assertTrue(verified.holds(file, digest));
        var modified = Files.getLastModifiedTime(file);

        Files.writeString(file, "planted bytes", StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(file, modified);

        assertFalse(verified.holds(file, digest), "the change time moved, so the file is hashed again");
    }

    @Test
    void aReplacementIsHashedAgainAndAcceptedOnlyWithTheSameContent() throws Exception {
        Path file = Files.writeString(temp.resolve("a.jar"), "genuine bytes");
        String digest = JarDigest.of(file);
        VerifiedFiles verified = settled();
        assertTrue(verified.holds(file, digest));

        Files.move(Files.writeString(temp.resolve("same"), "genuine bytes"), file, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(verified.holds(file, digest));
        Files.move(Files.writeString(temp.resolve("other"), "planted bytes"), file, StandardCopyOption.REPLACE_EXISTING);
        assertFalse(verified.holds(file, digest));
        Files.delete(file);
        assertFalse(verified.holds(file, digest));
    }
}
