package io.taskhost.host.sandbox;

import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both cgroup versions do alike: the host's group named after it, reading and writing interface
 * files, killing what a group holds, removing groups, and removing the groups of hosts no longer running.
 */
final class Cgroups {

    private static final Logger log = LoggerFactory.getLogger(Cgroups.class);
    private static final String HOST_PREFIX = "taskhost-";
    /** taskhost-(pid namespace)-(pid)-(start millis)-(random): one per WorkerLimits, even several in a JVM. */
    private static final Pattern HOST_NAME = Pattern.compile(Pattern.quote(HOST_PREFIX) + "(\\d+)-(\\d+)-(\\d+)-[0-9a-f]+");
    private static final Duration EMPTIED_WITHIN = Duration.ofSeconds(5);
    static final String WORKER_PREFIX = "worker-";

    private Cgroups() {
    }

    static String hostGroupName(String pidNamespace, ProcessIdentity self) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return HOST_PREFIX + pidNamespace + "-" + self.pid() + "-" + self.startMillis() + "-" + HexFormat.of().formatHex(random);
    }

    /** Writes {@code value} in one write, as the kernel wants it; the file must exist, as interface files do. */
    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The words of a file such as {@code cgroup.controllers}. */
    static List<String> words(Path file) {
        String text = read(file).orElse("").trim();
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }

    /** The count after {@code key} in a flat-keyed file such as {@code pids.events} ({@code max 3}); 0 if absent. */
    static long counter(Path file, String key) {
        for (String line : read(file).orElse("").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].equals(key) && fields[1].matches("\\d+")) {
                return Long.parseLong(fields[1]);
            }
        }
        return 0;
    }

    /** The processes in {@code group}, as this process's pid namespace numbers them. */
    static List<Long> processes(Path group) {
        var pids = new ArrayList<Long>();
        for (String line : read(group.resolve("cgroup.procs")).orElse("").split("\n")) {
            if (line.matches("\\d+")) {
                pids.add(Long.parseLong(line));
            }
        }
        return pids;
    }

    /**
     * Kills every process in {@code group} and waits until the group is empty. cgroup v2's
     * {@code cgroup.kill} does it in one go, race-free; otherwise each listed process gets SIGKILL, round
     * after round, since a process may fork while the list is read. Never this process.
     *
     * @return whether the group was empty within a few seconds
     */
    static boolean killAll(Path group) {
        Path kill = group.resolve("cgroup.kill");
        boolean killedAtOnce = false;
        if (Files.exists(kill)) {
            try {
                write(kill, "1");
                killedAtOnce = true;
            } catch (IOException e) {
                log.debug("could not write {}, killing its processes one by one: {}", kill, e.toString());
            }
        }
        long self = ProcessHandle.current().pid();
        long deadline = System.nanoTime() + EMPTIED_WITHIN.toNanos();
        while (true) {
            List<Long> left = processes(group);
            left.remove(Long.valueOf(self));
            if (left.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                log.warn("{} still holds {} processes after SIGKILL: {}", group, left.size(), left);
                return false;
            }
            if (!killedAtOnce) {
                left.stream().filter(pid -> pid > 1).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    /**
     * Kills what {@code group} holds and removes it, its own child groups first. A group whose processes
     * are still exiting cannot be removed yet, so removal is tried again for a few seconds.
     */
    static void killAndRemove(Path group, CgroupFs fs) {
        for (Path child : childGroups(group)) {
            killAndRemove(child, fs);
        }
        killAll(group);
        long deadline = System.nanoTime() + EMPTIED_WITHIN.toNanos();
        while (true) {
            try {
                fs.removeGroup(group);
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    log.warn("could not remove the cgroup {}: {}", group, e.toString());
                    return;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    static List<Path> childGroups(Path group) {
        var children = new ArrayList<Path>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(group)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    children.add(entry);
                }
            }
        } catch (IOException e) {
            // Gone, or not readable: nothing to remove in it from here.
        }
        return children;
    }

    /**
     * Removes, with the processes still in them, the groups that hosts no longer running left in
     * {@code parent}: named after a host of this pid namespace whose pid has gone or now names another
     * process. A host of another pid namespace cannot be checked, and its groups are left alone.
     */
    static void removeAbandoned(Path parent, String pidNamespace, CgroupFs fs) {
        for (Path group : childGroups(parent)) {
            Matcher name = HOST_NAME.matcher(group.getFileName().toString());
            if (name.matches() && name.group(1).equals(pidNamespace)
                    && !new ProcessIdentity(Long.parseLong(name.group(2)), Long.parseLong(name.group(3))).isRunning()) {
                log.info("removing the cgroup {}, left by a host that is no longer running, and killing what it holds", group);
                killAndRemove(group, fs);
            }
        }
    }
}
