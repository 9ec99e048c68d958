package io.taskhost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * The CPU time (user and system) of this process's children that have exited and been waited
 * for, from {@code /proc/self/stat}: a worker JVM the host started directly, or a floor's start.
 * A JVM in bubblewrap is not among them: bubblewrap exits without waiting for the init of the
 * sandbox's pid namespace, whose CPU then goes to no parent of ours.
 */
final class ChildrenCpu {

    /** USER_HZ, in which /proc reports times on every Linux. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Path STAT = Path.of("/proc/self/stat");

    private ChildrenCpu() {
    }

    /** Milliseconds so far, or empty without {@code /proc}. */
    static OptionalDouble millis() {
        try {
            String stat = Files.readString(STAT);
            // Fields after the command name, which may hold spaces, from field 3 (state) on.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
            return OptionalDouble.of(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }
}
