package io.taskhost.host.plugins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a plugin jar must satisfy before the host loads it.
 *
 * @param permissions   what to do when plugins-dir or a jar in it is writable by others or owned by
 *                      someone else
 * @param allowedSha256 the only jar digests the host accepts, lowercase hex; empty means any digest
 */
public record TrustSettings(PermissionMode permissions, Set<String> allowedSha256) {

    /** How seriously unsafe file permissions are taken. */
    public enum PermissionMode {
        /** The jar is rejected, with the chmod or chown that fixes it. */
        STRICT,
        /** The jar loads, and a warning is logged once per path and problem. */
        WARN
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public TrustSettings {
        Objects.requireNonNull(permissions, "permissions");
        allowedSha256 = Set.copyOf(allowedSha256.stream().map(TrustSettings::sha256).toList());
    }

    /** Strict permissions and no allowlist. */
    public static TrustSettings defaults() {
        return new TrustSettings(PermissionMode.STRICT, Set.of());
    }

    /**
     * Reads an allowlist file: one SHA-256 per line in hex, either case. Blank lines and
     * everything after a {@code #} are ignored.
     *
     * @throws IllegalArgumentException naming the file and line of something that is not a SHA-256
     */
    public static Set<String> readAllowlist(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Set<String> digests = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String digest = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (digest.isEmpty()) {
                continue;
            }
            try {
                digests.add(sha256(digest));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowlist " + file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return Set.copyOf(digests);
    }

    private static String sha256(String digest) {
        String lower = digest.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(lower).matches()) {
            throw new IllegalArgumentException("'" + digest + "' is not a SHA-256 (64 hex digits alone on the line;"
                    + " anything after # is a comment)");
        }
        return lower;
    }
}
