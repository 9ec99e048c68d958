package io.taskhost.host.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether someone other than the user running the host could change a path: it is writable by
 * group or others, or it is owned by another user. Root may own it, since root can change any file
 * anyway. A file system without POSIX attributes has nothing to check.
 */
final class PathPermissions {

    private static final Logger log = LoggerFactory.getLogger(PathPermissions.class);

    private final String hostUser;
    private final AtomicBoolean ownerCheckSkipped = new AtomicBoolean();

    PathPermissions(String hostUser) {
        this.hostUser = hostUser;
    }

    /**
     * @param role how the user knows the path, such as "plugins-dir"
     * @return one reason, with its fix, per problem
     */
    List<String> problems(String role, Path path) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (UnsupportedOperationException e) {
            return List.of();
        } catch (IOException e) {
            return List.of("cannot read the permissions of " + role + " " + path + " (" + e + ")");
        }
        List<String> problems = new ArrayList<>();
        var permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            problems.add(role + " " + path + " is writable by group or others (" + PosixFilePermissions.toString(permissions)
                    + "), so other users could change the code the host runs; run chmod go-w " + path);
        }
        UserPrincipal owner = attributes.owner();
        if (!ownedByHostUserOrRoot(path, owner)) {
            problems.add(role + " " + path + " is owned by user " + owner.getName() + ", not by " + hostUser
                    + " who runs the host, so that user could change the code the host runs; run chown " + hostUser + " "
                    + path);
        }
        return problems;
    }

    private boolean ownedByHostUserOrRoot(Path path, UserPrincipal owner) {
        Optional<UserPrincipal> host = lookUp(path, hostUser);
        if (host.isEmpty()) {
            if (!ownerCheckSkipped.getAndSet(true)) {
                log.warn("user.name '{}' is not a user this system knows, so plugin file owners are not checked", hostUser);
            }
            return true;
        }
        return owner.equals(host.get()) || lookUp(path, "root").map(owner::equals).orElse(false);
    }

    private static Optional<UserPrincipal> lookUp(Path path, String user) {
        try {
            return Optional.of(path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
