package io.taskhost.host.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * What one sandboxed JVM is given besides the system's files and its JDK.
 *
 * @param readOnly its jars and the files its options name, such as a class-data archive
 * @param writable its scratch directory and, for a training run, the directory its archive goes to
 * @param workDir  its working directory, one of {@code writable}
 * @param network  whether it shares the host's network; without, it has only a loopback of its own
 */
public record Confined(List<Path> readOnly, List<Path> writable, Path workDir, boolean network) {

    public Confined {
        readOnly = List.copyOf(readOnly);
        writable = List.copyOf(writable);
    }
}
