package io.taskhost.host.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** A scratch directory a command makes for its own run, and deletes with everything in it when done. */
public final class TemporaryDirectory implements AutoCloseable {

    private final Path path;

    private TemporaryDirectory(Path path) {
        this.path = path;
    }

    public static TemporaryDirectory create(String prefix) throws IOException {
        return new TemporaryDirectory(Files.createTempDirectory(prefix));
    }

    public Path path() {
        return path;
    }

    /** Deletes it, deepest entries first; an entry that cannot be deleted is left behind. */
    @Override
    public void close() {
        try (var paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(entry -> entry.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the scratch directory " + path, e);
        }
    }
}
