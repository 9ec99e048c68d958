package io.taskhost.host.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A machine's {@code /proc/self}, {@code /proc/loadavg} and cgroup mounts as files under a temporary
 * directory, so that detection and the writes to cgroups can be checked where the real ones are not
 * there, or not writable. Its {@link #kernel()} plays the kernel's part: a group made in a mount gets
 * the interface files that the kernel would show in it, and removing a group drops them.
 */
final class FakeMachine {

    static final long PID_NAMESPACE = 4026531836L;

    private final Path root;
    private final Path procSelf;
    private final List<String> cgroupLines = new ArrayList<>();
    private final List<String> mountLines = new ArrayList<>();
    private final Map<Path, String> hierarchies = new LinkedHashMap<>();
    private Path prlimit;
    private int mountIds = 30;

    FakeMachine(Path root) {
        this.root = root;
        this.procSelf = root.resolve("proc/self");
        try {
            Files.createDirectories(procSelf.resolve("ns"));
            Files.createSymbolicLink(procSelf.resolve("ns/pid"), Path.of("pid:[" + PID_NAMESPACE + "]"));
            Files.writeString(root.resolve("proc/loadavg"), "0.50 0.40 0.30 2/150 12345\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        user(1000, "0000000000000000");
        writeProc();
    }

    /** The host's real uid and effective capabilities (hex, as {@code CapEff:}), in the initial user namespace. */
    FakeMachine user(int uid, String capEff) {
        write(procSelf.resolve("status"), "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n"
                + "CapEff:\t" + capEff + "\n");
        write(procSelf.resolve("uid_map"), "         0          0 4294967295\n");
        return this;
    }

    /** A cgroup2 mount at {@code <root>/<mountPoint>} holding the host in {@code hostGroup}, which offers {@code controllers}. */
    Path cgroup2(String mountPoint, String hostGroup, String controllers) {
        Path mount = root.resolve(mountPoint);
        mountLines.add(mountIds++ + " 30 0:37 / " + mount + " rw,relatime - cgroup2 cgroup2 rw");
        hierarchies.put(mount, "cgroup2");
        cgroupLines.add("0::" + hostGroup);
        Path own = at(mount, hostGroup);
        mkdirs(own);
        write(own.resolve("cgroup.controllers"), controllers + "\n");
        write(own.resolve("cgroup.subtree_control"), "");
        write(own.resolve("cgroup.procs"), ProcessHandle.current().pid() + "\n");
        write(own.resolve("cgroup.kill"), "");
        writeProc();
        return own;
    }

    /** A cgroup v1 hierarchy of {@code controller} at {@code <root>/<mountPoint>} holding the host in {@code hostGroup}. */
    Path cgroup1(int id, String controller, String mountPoint, String hostGroup) {
        Path mount = root.resolve(mountPoint);
        mountLines.add(mountIds++ + " 30 0:" + (20 + id) + " / " + mount + " rw,relatime - cgroup cgroup rw," + controller);
        hierarchies.put(mount, controller);
        cgroupLines.add(0, id + ":" + controller + ":" + hostGroup);
        Path own = at(mount, hostGroup);
        mkdirs(own);
        write(own.resolve("cgroup.procs"), ProcessHandle.current().pid() + "\n");
        writeProc();
        return own;
    }

    /** An executable {@code prlimit} that {@link #files()} offers. */
    Path prlimit() {
        prlimit = root.resolve("usr/bin/prlimit");
        mkdirs(prlimit.getParent());
        write(prlimit, "#!/bin/sh\nexit 1\n");
        try {
            Files.setPosixFilePermissions(prlimit, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prlimit;
    }

    /** This machine's own {@code prlimit}, if it has one. */
    Optional<Path> realPrlimit() {
        prlimit = SystemFiles.ofThisMachine().prlimitCandidates().stream().filter(Files::isExecutable).findFirst().orElse(null);
        return Optional.ofNullable(prlimit);
    }

    /** How many processes and threads {@code /proc/loadavg} says the machine runs. */
    FakeMachine runningTasks(int tasks) {
        write(root.resolve("proc/loadavg"), "0.50 0.40 0.30 1/" + tasks + " 12345\n");
        return this;
    }

    SystemFiles files() {
        return new SystemFiles(procSelf, root.resolve("proc/loadavg"),
                List.of(prlimit == null ? root.resolve("usr/bin/prlimit") : prlimit));
    }

    /** Makes groups as the kernel would: with the interface files of the hierarchy they are made in. */
    CgroupFs kernel() {
        return new CgroupFs() {
            @Override
            public void makeGroup(Path dir) throws IOException {
                Files.createDirectory(dir);
                for (var file : interfaceFiles(dir).entrySet()) {
                    Files.writeString(dir.resolve(file.getKey()), file.getValue());
                }
            }

            @Override
            public void removeGroup(Path dir) throws IOException {
                try (Stream<Path> entries = Files.list(dir)) {
                    for (Path entry : entries.toList()) {
                        if (Files.isDirectory(entry)) {
                            throw new IOException(dir + ": Device or resource busy (it has the group " + entry + ")");
                        }
                        Files.delete(entry);
                    }
                }
                Files.delete(dir);
            }
        };
    }

    private Map<String, String> interfaceFiles(Path dir) {
        String hierarchy = hierarchies.entrySet().stream().filter(mount -> dir.startsWith(mount.getKey()))
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new IllegalArgumentException(dir + " is in no cgroup mount"));
        if (hierarchy.equals("pids")) {
            return Map.of("cgroup.procs", "", "pids.max", "max\n", "pids.events", "max 0\n");
        }
        if (hierarchy.equals("memory")) {
            return Map.of("cgroup.procs", "", "memory.limit_in_bytes", "9223372036854771712\n",
                    "memory.memsw.limit_in_bytes", "9223372036854771712\n",
                    "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        }
        return Map.ofEntries(Map.entry("cgroup.procs", ""), Map.entry("cgroup.controllers", "pids memory\n"),
                Map.entry("cgroup.subtree_control", ""), Map.entry("cgroup.kill", ""),
                Map.entry("pids.max", "max\n"), Map.entry("pids.events", "max 0\n"),
                Map.entry("memory.max", "max\n"), Map.entry("memory.swap.max", "max\n"),
                Map.entry("memory.oom.group", "0\n"),
                Map.entry("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n"));
    }

    private static Path at(Path mount, String group) {
        return group.equals("/") ? mount : mount.resolve(group.substring(1));
    }

    private void writeProc() {
        write(procSelf.resolve("cgroup"), String.join("\n", cgroupLines) + "\n");
        write(procSelf.resolve("mountinfo"), "22 1 0:21 / / rw - ext4 /dev/vda rw\n"
                + "30 22 0:27 / " + root.resolve("sys/fs/cgroup") + " rw - tmpfs tmpfs rw\n"
                + String.join("\n", mountLines) + "\n");
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
