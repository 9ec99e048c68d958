package io.taskhost.host.classdata;

import io.taskhost.host.plugins.JarDigest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Where the archive for one classpath, JDK build and set of JVM options lives. The name hashes the jars'
 * contents, never their paths, so a changed jar can never meet an archive built from its old self
 * (Temurin 25.0.3 would accept it silently, JDK-8377932); and the options, since another GC or heap
 * size can invalidate an archive.
 */
final class ArchiveNames {

    private final Path directory;

    ArchiveNames(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    Path archiveFor(WorkerJdk jdk, List<String> jarDigests, List<String> jvmOptions) {
        MessageDigest sha256 = JarDigest.sha256();
        update(sha256, jdk.format().name());
        update(sha256, jdk.home());
        update(sha256, jdk.build());
        update(sha256, "jars");
        jarDigests.forEach(digest -> update(sha256, digest));
        update(sha256, "options");
        jvmOptions.forEach(option -> update(sha256, option));
        return directory.resolve("jdk" + jdk.feature() + "-" + HexFormat.of().formatHex(sha256.digest())
                + jdk.format().extension());
    }

    private static void update(MessageDigest digest, String part) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
