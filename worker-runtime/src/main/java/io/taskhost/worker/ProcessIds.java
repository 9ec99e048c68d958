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
class ProcessIds {

    private static final String STAT = "/proc/self/stat";

    private final boolean procAvailable;
    /** A process's id never changes: read once, since every report carries it. 0 until then. */
    private volatile long pid;

    ProcessIds(boolean procAvailable) {
        this.procAvailable = procAvailable;
    }

    static ProcessIds ofThisPlatform() {
        return new ProcessIds(new java.io.File(STAT).canRead());
    }

    long pid() {
        long known = pid;
        if (known == 0) {
            known = readPid();
            pid = known;
        }
        return known;
    }

    // Package-private for a test that counts the reads.
    long readPid() {
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
                long parent = afterCommand(stat, 1);
                return parent == 0 ? whenNone : parent;
            }
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        return parent.isPresent() ? parent.get().pid() : whenNone;
    }

    /** The id of this process's group, or -1 where there is no {@code /proc} to tell. */
    long groupId() {
        String stat = procAvailable ? stat() : null;
        return stat == null ? -1 : afterCommand(stat, 2);
    }

    /**
     * The numeric field {@code index} places after the state in "pid (command) state ppid pgrp ...":
     * the command may hold spaces and parentheses, so fields are counted from the last ')'.
     */
    private static long afterCommand(String stat, int index) {
        int start = stat.indexOf(' ', stat.lastIndexOf(')') + 2);
        for (int i = 1; i < index; i++) {
            start = stat.indexOf(' ', start + 1);
        }
        return Long.parseLong(stat.substring(start + 1, stat.indexOf(' ', start + 1)));
    }

    private static String stat() {
        try (var in = new FileInputStream(STAT)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }
}
