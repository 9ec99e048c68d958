package io.taskhost.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code taskhost <args>} from this build's classes, in a JVM of its own: for what could end the JVM that
 * runs it, so that a test sees an exit code instead of losing its own JVM.
 */
public final class CliProcess implements AutoCloseable {

    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private CliProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code io.taskhost.host.cli.Main} with {@code args}; its output goes to files in {@code directory}. */
    public static CliProcess start(Path directory, String... args) {
        return start(directory, Map.of(), args);
    }

    /** As {@link #start(Path, String...)}, with {@code environment} added to, or replacing, this JVM's. */
    public static CliProcess start(Path directory, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.taskhost.host.cli.Main"));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(directory);
            Path out = Files.createTempFile(directory, "cli-", ".out");
            Path err = Files.createTempFile(directory, "cli-", ".err");
            var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new CliProcess(process, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for its exit and returns the exit code. */
    public int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("taskhost did not exit within " + deadline + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    public String stdout() {
        return read(stdout);
    }

    /** stdout and stderr, for a failure message. */
    public String output() {
        return "stdout:\n" + read(stdout) + "\nstderr:\n" + read(stderr);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** SIGTERM, as systemd stops a host, then waits. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
