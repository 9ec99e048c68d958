package io.taskhost.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How a worker JVM is started and stopped, shared by the host and the testkit so that a plugin's
 * tests run it exactly as production does. A worker JVM itself never loads this class.
 */
public final class WorkerProcess {

    /**
     * The JVM options a worker gets unless the host is configured otherwise: the fastest start
     * measured here (docs/worker-startup.md). C1 alone suits short tasks; without perf data the
     * JVM maps no hsperfdata file, which only jstat and jps would read.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-XX:+ExitOnOutOfMemoryError");

    /** The only variables a worker inherits: Redis credentials and the host's secrets stay behind. */
    public static final List<String> ENVIRONMENT = List.of("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private WorkerProcess() {
    }

    /** Starts {@code java <jvmOptions> -cp <classpath> WorkerMain} in {@code workDir} with the minimal environment. */
    public static Process start(Path java, List<String> jvmOptions, String classpath, Path workDir)
            throws IOException {
        return start(java, jvmOptions, classpath, workDir, List.of());
    }

    /** As {@link #start(Path, List, String, Path)}, with {@code arguments} for WorkerMain (see {@link WorkerProtocol#arguments}). */
    public static Process start(Path java, List<String> jvmOptions, String classpath, Path workDir,
                                List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(WorkerMain.class.getName());
        command.addAll(arguments);
        var builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        Map<String, String> kept = new HashMap<>();
        for (String name : ENVIRONMENT) {
            String value = environment.get(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        environment.clear();
        environment.putAll(kept);
        return builder.start();
    }

    /**
     * SIGTERM to the worker and every process it started, SIGKILL after {@code grace}. The
     * descendants are listed first: once the worker is gone, they can no longer be found.
     *
     * @return whether SIGKILL was needed
     */
    public static boolean killTree(Process process, Duration grace) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        boolean forced = !process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        if (forced) {
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        return forced;
    }

    /**
     * Reads a worker's stdout or stderr on a daemon thread of its own, one non-empty line at a
     * time, and calls {@code onEnd} once the stream has ended or broken, as it does when the
     * worker exits or is killed.
     */
    public static Thread readLines(InputStream stream, String threadName, Consumer<String> onLine, Runnable onEnd) {
        Thread thread = new Thread(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!line.isEmpty()) {
                        onLine.accept(line);
                    }
                }
            } catch (IOException brokenByAKill) {
                // What the worker wrote before it died has been passed on.
            } finally {
                onEnd.run();
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
