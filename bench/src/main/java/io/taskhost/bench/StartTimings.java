package io.taskhost.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times starts of programs that exit at once, {@code parallel} at a time. Several commands are
 * timed in alternating rounds, so that a machine whose load drifts during the run weighs on each
 * of them alike, and a command is compared only with commands timed beside it.
 *
 * <p>A start's CPU ({@link ChildrenCpu}) is only complete for a command that is not sandboxed:
 * bubblewrap exits with its command's exit code without waiting for the init process of the
 * sandbox's pid namespace, whose CPU then goes to no parent of ours.
 */
final class StartTimings {

    private static final int ROUNDS = 5;

    private final int parallel;
    private final Path directory;

    /** Starts {@code parallel} at a time, each in {@code directory}, where a program may leave files. */
    StartTimings(int parallel, Path directory) {
        this.parallel = parallel;
        this.directory = directory;
    }

    /**
     * How long a start of each command took, in their order.
     *
     * @param wallMillis a start's mean wall time, with {@code parallel} starts at a time
     * @param cpuMillis  a start's mean CPU (user and system) as its waited-for children; NaN without /proc
     */
    record Timing(double startsPerSecond, double wallMillis, double cpuMillis) {
    }

    /** {@code count} starts of each command, after one start of each that is not timed. */
    List<Timing> measure(List<List<String>> commands, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            for (List<String> command : commands) {
                start(command);
            }
            long[] elapsed = new long[commands.size()];
            long[] wall = new long[commands.size()];
            double[] cpu = new double[commands.size()];
            for (int round = 0; round < ROUNDS; round++) {
                int inRound = count / ROUNDS + (round < count % ROUNDS ? 1 : 0);
                for (int i = 0; i < commands.size() && inRound > 0; i++) {
                    List<String> command = commands.get(i);
                    long began = System.nanoTime();
                    double cpuBefore = ChildrenCpu.millis().orElse(Double.NaN);
                    List<Future<Long>> starts = new ArrayList<>();
                    for (int n = 0; n < inRound; n++) {
                        starts.add(pool.submit(() -> start(command)));
                    }
                    for (Future<Long> each : starts) {
                        wall[i] += each.get();
                    }
                    elapsed[i] += System.nanoTime() - began;
                    cpu[i] += ChildrenCpu.millis().orElse(Double.NaN) - cpuBefore;
                }
            }
            List<Timing> timings = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                timings.add(new Timing(count / (elapsed[i] / 1e9), wall[i] / 1e6 / count, cpu[i] / count));
            }
            return timings;
        } finally {
            pool.shutdown();
        }
    }

    /** One start, to its exit, in wall nanoseconds. */
    private long start(List<String> command) throws IOException, InterruptedException {
        long began = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).redirectErrorStream(true)
                .start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        if (process.waitFor() != 0) {
            throw new IOException("exit code " + process.exitValue() + " from " + command);
        }
        return System.nanoTime() - began;
    }
}
