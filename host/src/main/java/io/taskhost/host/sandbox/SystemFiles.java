package io.taskhost.host.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where {@link WorkerLimits} reads what this machine offers; tests point it at a fake tree.
 *
 * @param procSelf           {@code /proc/self}: its {@code cgroup}, {@code mountinfo}, {@code status},
 *                           {@code uid_map} and {@code ns/pid}
 * @param loadavg            {@code /proc/loadavg}, whose fourth field counts the machine's processes and threads
 * @param prlimitCandidates  where util-linux {@code prlimit} may be, the first executable one wins
 */
record SystemFiles(Path procSelf, Path loadavg, List<Path> prlimitCandidates) {

    SystemFiles {
        prlimitCandidates = List.copyOf(prlimitCandidates);
    }

    static SystemFiles ofThisMachine() {
        return new SystemFiles(Path.of("/proc/self"), Path.of("/proc/loadavg"),
                List.of(Path.of("/usr/bin/prlimit"), Path.of("/bin/prlimit")));
    }

    Path cgroup() {
        return procSelf.resolve("cgroup");
    }

    Path mountinfo() {
        return procSelf.resolve("mountinfo");
    }

    Path status() {
        return procSelf.resolve("status");
    }

    Path uidMap() {
        return procSelf.resolve("uid_map");
    }

    /** The inode number of this process's pid namespace, as in {@code pid:[4026531836]}; "0" where it cannot be read. */
    String pidNamespace() {
        try {
            String link = Files.readSymbolicLink(procSelf.resolve("ns/pid")).toString();
            return link.replaceAll("\\D", "").isEmpty() ? "0" : link.replaceAll("\\D", "");
        } catch (IOException | UnsupportedOperationException e) {
            return "0";
        }
    }

    Optional<Path> prlimit() {
        return prlimitCandidates.stream().filter(Files::isExecutable).findFirst();
    }
}
