package io.taskhost.host.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether files the host hashed still hold that content: cached plugin jars and class-data archives, which
 * any process of the host's user could overwrite. Hashing a jar or an archive before every worker start would
 * cost too much, so a file is remembered by a fingerprint taken when its SHA-256 was last checked: size,
 * modification and change times, device and inode. Every write moves the change time, which no user can set,
 * and a replacement is another inode, so a file whose fingerprint moved is hashed again. A file changed within
 * {@link #SETTLE} of being hashed could have been written again in the same tick of the file system's clock,
 * so its fingerprint is not trusted until later: it is hashed again each time until then.
 */
public final class VerifiedFiles {

    static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");

    /** {@code key} is device and inode on Unix; without a change time, the modification time stands in for it. */
    private record Fingerprint(long size, long modifiedNanos, long changedNanos, Object key) {
    }

    private record Verified(String sha256, Fingerprint fingerprint) {
    }

    private final Clock clock;
    private final Map<Path, Verified> verified = new ConcurrentHashMap<>();

    public VerifiedFiles(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether {@code file} holds the content whose SHA-256 is {@code sha256}: at the cost of a stat while it is
     * unchanged since it was last hashed, of a hash when it changed or was never hashed.
     *
     * @return false also when the file is missing, or changed while it was being hashed
     * @throws IOException if it cannot be read
     */
    public boolean holds(Path file, String sha256) throws IOException {
        Fingerprint before;
        try {
            before = fingerprint(file);
        } catch (NoSuchFileException e) {
            verified.remove(file);
            return false;
        }
        Verified known = verified.get(file);
        if (known != null && known.sha256().equals(sha256) && known.fingerprint().equals(before)) {
            return true;
        }
        long hashedFrom = clock.millis();
        String actual = JarDigest.of(file);
        if (!actual.equals(sha256) || !before.equals(fingerprint(file))) {
            verified.remove(file);
            return false;
        }
        if (before.changedNanos() / 1_000_000 + SETTLE.toMillis() <= hashedFrom) {
            verified.put(file, new Verified(sha256, before));
        } else {
            verified.remove(file);
        }
        return true;
    }

    /**
     * As {@link #holds}, after waiting until the file is settled, so that its fingerprint is remembered and
     * later checks cost a stat: for a file just written, off the launch path.
     */
    public boolean holdsOnceSettled(Path file, String sha256) throws IOException {
        try {
            long settledAt = fingerprint(file).changedNanos() / 1_000_000 + SETTLE.toMillis() + 1;
            long wait;
            while ((wait = settledAt - clock.millis()) > 0 && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(Duration.ofMillis(wait).toNanos());
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        return holds(file, sha256);
    }

    /** Forgets what is known of {@code file}: it is hashed again at its next check. */
    public void forget(Path file) {
        verified.remove(file);
    }

    /**
     * Makes a file read-only (0444): no write by accident, though any process of its owner could make it
     * writable again, which is why its content is verified all the same.
     */
    public static void readOnly(Path file) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(READ_ONLY)) {
                Files.setPosixFilePermissions(file, READ_ONLY);
            }
        } catch (UnsupportedOperationException e) {
            file.toFile().setReadOnly();
        }
    }

    private static Fingerprint fingerprint(Path file) throws IOException {
        try {
            Map<String, Object> unix = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino",
                    LinkOption.NOFOLLOW_LINKS);
            return new Fingerprint((Long) unix.get("size"), nanos((FileTime) unix.get("lastModifiedTime")),
                    nanos((FileTime) unix.get("ctime")), List.of(unix.get("dev"), unix.get("ino")));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Fingerprint(basic.size(), nanos(basic.lastModifiedTime()), nanos(basic.lastModifiedTime()),
                    Objects.requireNonNullElse(basic.fileKey(), file));
        }
    }

    private static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }
}
