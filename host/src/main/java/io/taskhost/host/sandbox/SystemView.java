package io.taskhost.host.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the machine's file system that every sandboxed JVM sees, read-only: the programs
 * and libraries under {@code /usr} (and {@code /bin}, {@code /lib}... as links or directories, as
 * the machine has them), the JDK, and the few files of {@code /etc} that a JVM and its network
 * need. Everything else is absent: the host's config and environment files, the plugins
 * directory, the jar cache, {@code /home}, {@code /root}, {@code /var}, {@code /opt}.
 */
final class SystemView {

    private static final List<String> TOP_LEVEL = List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32");

    /**
     * What of {@code /etc} a JVM needs: the dynamic linker's cache, the links behind
     * {@code /usr/bin/java}, the JDK's own configuration (Debian keeps it in {@code /etc/java-*}),
     * users and groups for {@code user.name}, name resolution, time zones and TLS certificates.
     */
    private static final List<String> ETC = List.of("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives",
            "passwd", "group", "nsswitch.conf", "hosts", "host.conf", "resolv.conf", "gai.conf", "services",
            "protocols", "localtime", "timezone", "ssl", "ca-certificates", "pki", "crypto-policies", "mime.types");

    private final List<String> arguments;
    private final List<Path> roots;

    private SystemView(List<String> arguments, List<Path> roots) {
        this.arguments = List.copyOf(arguments);
        this.roots = List.copyOf(roots);
    }

    /** The view of {@code root} (the machine's {@code /}) for JVMs run by {@code java}. */
    static SystemView of(Path root, Path java) throws IOException {
        List<String> arguments = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        for (String name : TOP_LEVEL) {
            Path path = root.resolve(name);
            if (Files.isSymbolicLink(path)) {
                arguments.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), "/" + name));
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                readOnly(arguments, roots, path, Path.of("/" + name));
            }
        }
        Path etc = root.resolve("etc");
        try (var entries = Files.list(etc)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if ((ETC.contains(name) || name.startsWith("java-")) && Files.exists(entry)) {
                    readOnly(arguments, roots, entry, Path.of("/etc", name));
                }
            }
        } catch (IOException e) {
            // No /etc to show.
        }
        for (Path jdk : jdkHomes(java)) {
            if (roots.stream().noneMatch(jdk::startsWith)) {
                readOnly(arguments, roots, jdk, jdk);
            }
        }
        return new SystemView(arguments, roots);
    }

    /** The JDK as {@code java} names it and as its links resolve: both paths must work inside. */
    private static List<Path> jdkHomes(Path java) throws IOException {
        List<Path> homes = new ArrayList<>();
        Path named = java.toAbsolutePath().normalize().getParent();
        if (named != null && named.getParent() != null) {
            homes.add(named.getParent());
        }
        Path real = java.toRealPath().getParent().getParent();
        if (!homes.contains(real)) {
            homes.add(real);
        }
        return homes;
    }

    private static void readOnly(List<String> arguments, List<Path> roots, Path source, Path target) {
        arguments.addAll(List.of("--ro-bind", source.toString(), target.toString()));
        roots.add(target);
    }

    /** Its bubblewrap arguments. */
    List<String> arguments() {
        return arguments;
    }

    /** Whether {@code path} is seen inside already, as part of this view. */
    boolean shows(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return roots.stream().anyMatch(absolute::startsWith);
    }
}
