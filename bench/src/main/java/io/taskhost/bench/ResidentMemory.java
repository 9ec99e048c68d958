package io.taskhost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Resident memory (RSS, {@code VmRSS} of {@code /proc/<pid>/status}) of this process, which runs the
 * hosts, and of its worker JVMs, the {@code java} processes among its descendants (inside bubblewrap
 * too). Where there is no {@code /proc}, it reads nothing.
 */
final class ResidentMemory {

    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);

    private ResidentMemory() {
    }

    /** The RSS of {@code process} in MiB, or nothing when it has exited or the system has no {@code /proc}. */
    static OptionalLong mib(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kib = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kib) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process has exited, or this system keeps no /proc: nothing to read.
        }
        return OptionalLong.empty();
    }

    static OptionalLong ofHost() {
        return mib(ProcessHandle.current());
    }

    /** The largest RSS among the worker JVMs running now. */
    static OptionalLong largestWorker() {
        return ProcessHandle.current().descendants()
                .filter(process -> process.info().command().map(command -> command.endsWith("java")).orElse(false))
                .map(ResidentMemory::mib).filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).max();
    }

    /** Samples, on a thread of its own until closed, the host's peak RSS and a worker JVM's. */
    static final class Peaks implements AutoCloseable {

        private final AtomicLong host = new AtomicLong(-1);
        private final AtomicLong worker = new AtomicLong(-1);
        private final Thread sampler;
        private volatile boolean running = true;

        private Peaks(boolean sampling) {
            if (!sampling) {
                sampler = null;
                return;
            }
            sampler = new Thread(() -> {
                while (running) {
                    sample();
                    LockSupport.parkNanos(SAMPLE_EVERY.toNanos());
                }
            }, "bench-rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        /** Peaks sampled from now until closed. */
        static Peaks sampling() {
            return new Peaks(true);
        }

        /** No samples, at no cost: both peaks are empty. */
        static Peaks notSampled() {
            return new Peaks(false);
        }

        private void sample() {
            ofHost().ifPresent(mib -> host.accumulateAndGet(mib, Math::max));
            largestWorker().ifPresent(mib -> worker.accumulateAndGet(mib, Math::max));
        }

        /** The host's peak RSS in MiB. */
        OptionalLong host() {
            return host.get() < 0 ? OptionalLong.empty() : OptionalLong.of(host.get());
        }

        /** The largest RSS a worker JVM reached in MiB. */
        OptionalLong worker() {
            return worker.get() < 0 ? OptionalLong.empty() : OptionalLong.of(worker.get());
        }

        @Override
        public void close() throws InterruptedException {
            if (sampler == null) {
                return;
            }
            running = false;
            sampler.join();
            sample();
        }
    }
}
