package io.taskhost.host.plugins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a plugin jar must satisfy before the host loads it.
 *
 * @param permissions      what to do when plugins-dir or a jar in it is writable by others or owned by
 *                         someone else
 * @param allowedSha256    the only jar digests the host accepts, lowercase hex; empty means any digest
 * @param keystore         when present, every jar must be signed by a certificate that is, or chains to,
 *                         a trusted certificate entry of this PKCS12 or JKS keystore (its type is detected)
 * @param keystorePassword the keystore's password; empty when there is none. It is never logged and
 *                         not part of {@link #toString()}
 */
public record TrustSettings(PermissionMode permissions, Set<String> allowedSha256, Optional<Path> keystore,
                            char[] keystorePassword) {

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
        Objects.requireNonNull(keystore, "keystore");
        allowedSha256 = Set.copyOf(allowedSha256.stream().map(TrustSettings::sha256).toList());
        keystorePassword = keystorePassword == null ? new char[0] : keystorePassword.clone();
    }

    /** Strict permissions, no allowlist and no signatures required. */
    public static TrustSettings defaults() {
        return new TrustSettings(PermissionMode.STRICT, Set.of(), Optional.empty(), null);
    }

    @Override
    public char[] keystorePassword() {
        return keystorePassword.clone();
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

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustSettings that && permissions == that.permissions
                && allowedSha256.equals(that.allowedSha256) && keystore.equals(that.keystore)
                && Arrays.equals(keystorePassword, that.keystorePassword);
    }

    @Override
    public int hashCode() {
        return Objects.hash(permissions, allowedSha256, keystore);
    }

    @Override
    public String toString() {
        return "TrustSettings[permissions=" + permissions + ", allowedSha256=" + allowedSha256.size() + " digest(s)"
                + ", keystore=" + keystore.map(Path::toString).orElse("none") + "]";
    }
}
