package io.taskhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** The SHA-256 that identifies a jar's content, and names its copy in the jar cache. */
public final class JarDigest {

    private static final Pattern CACHED_NAME = Pattern.compile("([0-9a-f]{64})\\.jar");

    private JarDigest() {
    }

    /** Reads {@code file} through and returns its SHA-256 in lower-case hex. */
    public static String of(Path file) throws IOException {
        MessageDigest sha256 = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return hex(sha256);
    }

    /** The digest a jar-cache copy is named by, without reading it; empty for any other file. */
    public static Optional<String> fromCachedName(Path jar) {
        var name = CACHED_NAME.matcher(jar.getFileName().toString());
        return name.matches() ? Optional.of(name.group(1)) : Optional.empty();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    static String cachedName(String digest) {
        return digest + ".jar";
    }
}
