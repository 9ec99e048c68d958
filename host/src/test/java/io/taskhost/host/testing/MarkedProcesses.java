package io.taskhost.host.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Processes found by a mark in their command line, as the machine sees them: a sandboxed task's
 * pids are those of its own namespace, which mean nothing outside, so tests mark what they start.
 */
public final class MarkedProcesses {

    private MarkedProcesses() {
    }

    /** {@code 600.<digits>}: seconds for {@code sleep} that make its command line unlike any other process's. */
    public static String uniqueSleep() {
        return "600." + ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L);
    }

    /** Whether a process whose command line contains {@code mark} runs anywhere on this machine. */
    public static boolean anyRuns(String mark) {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(entry -> entry.getFileName().toString().matches("\\d+")).anyMatch(entry -> {
                try {
                    return new String(Files.readAllBytes(entry.resolve("cmdline"))).contains(mark);
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
    }
}
