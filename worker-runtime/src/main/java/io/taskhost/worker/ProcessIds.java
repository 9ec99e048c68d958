package io.taskhost.worker;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * This worker's process id and its parent's. On Linux they are read from {@code /proc/self/stat},
 * because the first use of ProcessHandle initializes its reaper thread pool and lambdas, about
 * 8 ms of a worker's start; elsewhere ProcessHandle answers.
 */
final class ProcessIds {

    private static final String STAT = "/proc/self/stat";

    private final boolean procAvailable;

    ProcessIds(boolean procAvailable) {
        this.procAvailable = procAvailable;
    }

    static ProcessIds ofThisPlatform() {
        return new ProcessIds(new java.io.File(STAT).canRead());
    }

    long pid() {
        if (procAvailable) {
            String stat = stat();
            if (stat != null) {
                return Long.parseLong(stat.substring(0, stat.indexOf(' ')));
            }
        }
        return ProcessHandle.current().pid();
    }

    /** The parent's pid, or {@code whenNone} if it has none. */
    long parentPid(long whenNone) {
        if (procAvailable) {
            String stat = stat();
            if (stat != null) {
                // "pid (command) state ppid ...": the command may hold spaces and parentheses, so count from the last ')'.
                int afterState = stat.indexOf(' ', stat.lastIndexOf(')') + 2);
                long parent = Long.parseLong(stat.substring(afterState + 1, stat.indexOf(' ', afterState + 1)));
                return parent == 0 ? whenNone : parent;
            }
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        return parent.isPresent() ? parent.get().pid() : whenNone;
    }

    private static String stat() {
        try (var in = new FileInputStream(STAT)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }
}
