package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.host.plugins.TrustSettings.PermissionMode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plugins-dir and its jars on a real POSIX file system, with permissions others could abuse. */
class JarTrustPermissionsTest {

    @TempDir
    Path temp;

    private Path plugins;
    private Path jar;

    @BeforeEach
    void makeAPluginsDirWithAJar() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        plugins = Files.createTempDirectory(temp, "plugins-");
        jar = Files.createTempFile(plugins, "plugin-", ".jar");
        try (OutputStream out = Files.newOutputStream(jar); var jarOut = new JarOutputStream(out, new Manifest())) {
            jarOut.putNextEntry(new JarEntry("a/A.class"));
            jarOut.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
            jarOut.closeEntry();
        }
    }

    @Test
    void freshlyCreatedTempFilesPass() throws IOException {
        assertEquals(Optional.empty(), check(PermissionMode.STRICT));
    }

    @Test
    void aGroupWritableJarIsRejectedInStrictModeWithTheChmodAdvice() throws IOException {
        allowWrite(jar, PosixFilePermission.GROUP_WRITE);
        String reason = check(PermissionMode.STRICT).orElseThrow();
        assertTrue(reason.startsWith("plugin jar " + jar + " is writable by group or others (rw--w----)"), reason);
        assertTrue(reason.endsWith("; run chmod go-w " + jar), reason);
    }

    @Test
    void aWorldWritablePluginsDirIsRejectedInStrictModeWithTheChmodAdvice() throws IOException {
        allowWrite(plugins, PosixFilePermission.OTHERS_WRITE);
        String reason = check(PermissionMode.STRICT).orElseThrow();
        assertTrue(reason.startsWith("plugins-dir " + plugins + " is writable by group or others (rwx----w-)"), reason);
        assertTrue(reason.endsWith("; run chmod go-w " + plugins), reason);
    }

    @Test
    void warnModeLoadsAJarDespiteWritablePermissions() throws IOException {
        allowWrite(plugins, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        allowWrite(jar, PosixFilePermission.OTHERS_WRITE);
        var trust = new JarTrust(settings(PermissionMode.WARN));
        var cached = new JarCache(temp.resolve("cache")).put(jar);
        assertEquals(Optional.empty(), trust.rejection(plugins, jar, cached.path(), cached.sha256()));
        assertEquals(Optional.empty(), trust.rejection(plugins, jar, cached.path(), cached.sha256()),
                "a second look, which only warned once, still accepts it");
    }

    @Test
    void aJarOwnedByAnotherUserIsRejectedInStrictModeWithTheChownAdvice() throws IOException {
        UserPrincipal nobody = giveToNobody(jar);
        String hostUser = System.getProperty("user.name");
        String reason = check(PermissionMode.STRICT).orElseThrow();
        assertTrue(reason.startsWith("plugin jar " + jar + " is owned by user " + nobody.getName() + ", not by " + hostUser),
                reason);
        assertTrue(reason.endsWith("; run chown " + hostUser + " " + jar), reason);
        assertEquals(Optional.empty(), check(PermissionMode.WARN));
    }

    private static UserPrincipal giveToNobody(Path path) throws IOException {
        try {
            UserPrincipal nobody = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(path, nobody);
            return nobody;
        } catch (UserPrincipalNotFoundException | FileSystemException e) {
            return Assumptions.abort("giving a file to another user needs root and a user 'nobody': " + e);
        }
    }

    private static void allowWrite(Path path, PosixFilePermission... extra) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(path));
        permissions.addAll(Set.of(extra));
        Files.setPosixFilePermissions(path, permissions);
        assertEquals(permissions, Files.getPosixFilePermissions(path), PosixFilePermissions.toString(permissions));
    }

    private static TrustSettings settings(PermissionMode mode) {
        return new TrustSettings(mode, Set.of(), Optional.empty(), null);
    }

    private Optional<String> check(PermissionMode mode) throws IOException {
        var cached = new JarCache(temp.resolve("cache")).put(jar);
        return new JarTrust(settings(mode)).rejection(plugins, jar, cached.path(), cached.sha256());
    }
}
