package io.taskhost.host.plugins;

import io.taskhost.host.plugins.TrustSettings.PermissionMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a plugin jar may be loaded at all, before the host reads it: no other user may be able
 * to change plugins-dir or the jar, the jar's SHA-256 must be on the allowlist if there is one, and
 * its signer must be trusted if a keystore is configured.
 */
final class JarTrust {

    private static final Logger log = LoggerFactory.getLogger(JarTrust.class);

    private final PermissionMode permissionMode;
    private final Set<String> allowedSha256;
    private final Optional<TrustedSigners> signers;
    private final PathPermissions pathPermissions;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** @throws IllegalArgumentException naming the keystore, if one is configured and cannot be used */
    JarTrust(TrustSettings settings) {
        this.permissionMode = settings.permissions();
        this.allowedSha256 = settings.allowedSha256();
        this.signers = settings.keystore().map(keystore -> trustedSigners(keystore, settings));
        this.pathPermissions = new PathPermissions(System.getProperty("user.name"));
    }

    private static TrustedSigners trustedSigners(Path keystore, TrustSettings settings) {
        char[] password = settings.keystorePassword();
        try {
            return TrustedSigners.load(keystore, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * @param directory  plugins-dir
     * @param sourceJar  the jar in plugins-dir
     * @param cachedCopy the copy that would be loaded and run; its content is what gets verified
     * @param sha256     the cached copy's SHA-256, lowercase hex
     * @return empty if the jar may be loaded, else why not and what to do about it
     */
    Optional<String> rejection(Path directory, Path sourceJar, Path cachedCopy, String sha256) {
        List<String> permissionProblems = new ArrayList<>(pathPermissions.problems("plugins-dir", directory));
        permissionProblems.addAll(pathPermissions.problems("plugin jar", sourceJar));
        if (!permissionProblems.isEmpty()) {
            if (permissionMode == PermissionMode.STRICT) {
                return Optional.of(permissionProblems.get(0));
            }
            permissionProblems.stream().filter(warned::add)
                    .forEach(problem -> log.warn("{} (loading it anyway, as plugin permissions are WARN)", problem));
        }
        if (!allowedSha256.isEmpty() && !allowedSha256.contains(sha256)) {
            int size = allowedSha256.size();
            return Optional.of("jar sha256 " + sha256 + " is not in the allowlist (" + size + " allowed digest"
                    + (size == 1 ? "" : "s") + "); add it to the allowlist if you trust this jar");
        }
        return signers.flatMap(trusted -> trusted.rejection(cachedCopy));
    }
}
