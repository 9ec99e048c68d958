package io.taskhost.host.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The directories of this process's own cgroups: its group in each hierarchy, from
 * {@code /proc/self/cgroup} ({@code 0::/path} for cgroup v2, {@code 8:pids:/path} for a v1 hierarchy),
 * joined to where that hierarchy is mounted, from {@code /proc/self/mountinfo}. A hierarchy may be
 * mounted from a part of it (its root field), as in a container; a group outside that part is not reachable.
 */
final class CgroupMounts {

    private record Membership(String controllers, String path) {
    }

    private record Mount(String root, Path mountPoint, String type, List<String> superOptions) {
    }

    private final List<Membership> memberships;
    private final List<Mount> mounts;

    private CgroupMounts(List<Membership> memberships, List<Mount> mounts) {
        this.memberships = memberships;
        this.mounts = mounts;
    }

    static CgroupMounts read(SystemFiles files) {
        return parse(lines(files.cgroup()), lines(files.mountinfo()));
    }

    static CgroupMounts parse(List<String> cgroupLines, List<String> mountinfoLines) {
        var memberships = new ArrayList<Membership>();
        for (String line : cgroupLines) {
            String[] fields = line.split(":", 3);
            if (fields.length == 3 && fields[2].startsWith("/")) {
                memberships.add(new Membership(fields[1], fields[2]));
            }
        }
        var mounts = new ArrayList<Mount>();
        for (String line : mountinfoLines) {
            // id parent major:minor root mount-point options [optional fields...] - type source super-options
            String[] fields = line.split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (separator >= 6 && fields.length >= separator + 4) {
                mounts.add(new Mount(unescape(fields[3]), Path.of(unescape(fields[4])), fields[separator + 1],
                        List.of(fields[separator + 3].split(","))));
            }
        }
        return new CgroupMounts(memberships, mounts);
    }

    /** This process's cgroup v2 group, where the unified hierarchy is mounted. */
    Optional<Path> v2Group() {
        return memberships.stream().filter(membership -> membership.controllers().isEmpty()).findFirst()
                .flatMap(membership -> mounts.stream().filter(mount -> mount.type().equals("cgroup2"))
                        .flatMap(mount -> within(mount, membership.path()).stream()).findFirst());
    }

    /** This process's group in the cgroup v1 hierarchy of {@code controller}, where that is mounted. */
    Optional<Path> v1Group(String controller) {
        return memberships.stream()
                .filter(membership -> List.of(membership.controllers().split(",")).contains(controller)).findFirst()
                .flatMap(membership -> mounts.stream()
                        .filter(mount -> mount.type().equals("cgroup") && mount.superOptions().contains(controller))
                        .flatMap(mount -> within(mount, membership.path()).stream()).findFirst());
    }

    private static Optional<Path> within(Mount mount, String group) {
        String root = mount.root();
        if (root.equals("/")) {
            return Optional.of(resolve(mount.mountPoint(), group));
        }
        if (group.equals(root) || group.startsWith(root + "/")) {
            return Optional.of(resolve(mount.mountPoint(), group.substring(root.length())));
        }
        return Optional.empty();
    }

    private static Path resolve(Path mountPoint, String relative) {
        String stripped = relative.replaceFirst("^/+", "");
        return stripped.isEmpty() ? mountPoint : mountPoint.resolve(stripped);
    }

    /** mountinfo writes space, tab, newline and backslash as {@code \040}, {@code \011}, {@code \012}, {@code \134}. */
    private static String unescape(String field) {
        var text = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
