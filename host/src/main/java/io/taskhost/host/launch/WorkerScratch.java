package io.taskhost.host.launch;

import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scratch directories of one host's worker JVMs, outside the cache: each JVM gets one of its
 * own, its working directory and temporary directory, deleted once the JVM is gone. They live in
 * {@code <root>/taskhost-scratch-<pid>-<start>-<random>/}, owner-only; a host that starts deletes
 * the directories of hosts that are no longer running (a pid that is gone, or that a later process
 * took), so a crash leaves nothing behind for long.
 */
public final class WorkerScratch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerScratch.class);
    private static final String PREFIX = "taskhost-scratch-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)-[0-9a-f]+");

    private final Path directory;
    private final AtomicLong workers = new AtomicLong();

    private WorkerScratch(Path directory) {
        this.directory = directory;
    }

    /** Makes this host's directory under {@code root}, having deleted those that hosts no longer running left there. */
    public static WorkerScratch create(Path root) throws IOException {
        Files.createDirectories(root);
        deleteAbandoned(root);
        ProcessIdentity self = ProcessIdentity.current();
        String name = PREFIX + self.pid() + "-" + self.startMillis() + "-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new WorkerScratch(Files.createDirectory(root.resolve(name), ownerOnly()));
    }

    /** This host's directory, which holds every worker's. */
    public Path directory() {
        return directory;
    }

    /** A new, empty directory of its own for one JVM. */
    public Path newDirectory(String kind) throws IOException {
        return Files.createDirectory(directory.resolve(kind + "-" + workers.incrementAndGet()), ownerOnly());
    }

    /** Deletes {@code dir} with everything in it; what cannot be deleted is logged and left to {@link #close()} or the next start. */
    public void delete(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            log.warn("could not delete the worker scratch directory {}: {}", dir, e.toString());
        }
    }

    /** Deletes this host's directory with every worker's in it. */
    @Override
    public void close() {
        delete(directory);
    }

    private static void deleteAbandoned(Path root) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path entry : entries) {
                Matcher name = NAME.matcher(entry.getFileName().toString());
                if (name.matches() && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && ownedByMe(entry)
                        && !new ProcessIdentity(Long.parseLong(name.group(1)), Long.parseLong(name.group(2))).isRunning()) {
                    log.info("deleting {}, left by a host that is no longer running", entry);
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            log.warn("could not clean up scratch directories in {}: {}", root, e.toString());
        }
    }

    private static boolean ownedByMe(Path entry) throws IOException {
        return Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
    }

    private static FileAttribute<?>[] ownerOnly() {
        try {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))};
        } catch (UnsupportedOperationException e) {
            return new FileAttribute<?>[0];
        }
    }

    /** Deletes a tree without following links; a directory a task made read-only is made writable first. */
    private static void deleteTree(Path root) throws IOException {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    openUp(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                    if (failure instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw failure;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // Deleted already.
        }
    }

    private static void openUp(Path dir) {
        try {
            var permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (!permissions.containsAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE))) {
                permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE));
                Files.setPosixFilePermissions(dir, permissions);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // The walk reports what it then cannot delete.
        }
    }
}
