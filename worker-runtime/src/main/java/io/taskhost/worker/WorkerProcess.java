package io.taskhost.worker;

import java.io.IOException;
import java.io.InputStream;
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

    /**
     * The longest output line a reader keeps, in bytes: 16 KiB holds any stack trace line or log
     * line a person would read, and bounds what one line costs the host. The rest of a longer
     * line is read and counted, never kept; report lines have their own cap,
     * {@link WorkerProtocol#MAX_REPORT_BYTES}.
     */
    public static final int MAX_LINE_BYTES = 16 * 1024;

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
        return start(List.of(), java, jvmOptions, classpath, workDir, arguments);
    }

    /** As {@link #start(Path, List, String, Path, List)}, run through {@code wrapper}, such as a sandbox's command. */
    public static Process start(List<String> wrapper, Path java, List<String> jvmOptions, String classpath, Path workDir,
                                List<String> arguments) throws IOException {
        return start(wrapper, java, jvmOptions, classpath, workDir, arguments, false);
    }

    /**
     * Starts a worker JVM in {@code scratch}, a directory of its own that is its working directory,
     * its {@code TMPDIR} and its {@code java.io.tmpdir} (an operator's {@code -Djava.io.tmpdir} among
     * {@code jvmOptions} wins), as the leader of a process group of its own where {@code groups} is
     * {@link ProcessGroups#available() available}.
     */
    public static Process startInScratch(Path java, List<String> jvmOptions, String classpath, Path scratch,
                                         List<String> arguments, ProcessGroups groups) throws IOException {
        return startInScratch(List.of(), java, jvmOptions, classpath, scratch, arguments, groups);
    }

    /**
     * As {@link #startInScratch(Path, List, String, Path, List, ProcessGroups)}, run through {@code wrapper},
     * the start of a command line that runs the rest of it, such as a sandbox's.
     */
    public static Process startInScratch(List<String> wrapper, Path java, List<String> jvmOptions, String classpath,
                                         Path scratch, List<String> arguments, ProcessGroups groups)
            throws IOException {
        List<String> options = new ArrayList<>();
        options.add("-Djava.io.tmpdir=" + scratch);
        options.addAll(jvmOptions);
        List<String> prefix = new ArrayList<>(groups.commandPrefix());
        prefix.addAll(wrapper);
        return start(prefix, java, options, classpath, scratch, arguments, true);
    }

    private static Process start(List<String> prefix, Path java, List<String> jvmOptions, String classpath,
                                 Path workDir, List<String> arguments, boolean tmpdirIsWorkDir) throws IOException {
        List<String> command = new ArrayList<>(prefix);
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
        if (tmpdirIsWorkDir) {
            kept.put("TMPDIR", workDir.toString());
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
        return killTree(process, grace, ProcessGroups.none());
    }

    /**
     * As {@link #killTree(Process, Duration)}, for a worker started with {@code groups}: where it
     * leads a group of its own, SIGTERM goes to the whole group, and SIGKILL to whatever of the group
     * is left once the worker has exited or the grace has passed, orphans included.
     *
     * @return whether the worker needed SIGKILL
     */
    public static boolean killTree(Process process, Duration grace, ProcessGroups groups) throws InterruptedException {
        if (!groups.available()) {
            return killDescendants(process, grace);
        }
        groups.signal(process.pid(), "TERM");
        boolean forced = !process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        groups.signal(process.pid(), "KILL");
        process.waitFor();
        return forced;
    }

    private static boolean killDescendants(Process process, Duration grace) throws InterruptedException {
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
     * worker exits or is killed. A line keeps at most {@link #MAX_LINE_BYTES}, or
     * {@link WorkerProtocol#MAX_REPORT_BYTES} if it starts like a report; of a longer one, only
     * its length is known.
     */
    public static Thread readLines(InputStream stream, String threadName, Consumer<OutputLine> onLine, Runnable onEnd) {
        Thread thread = new Thread(() -> {
            try (stream) {
                new LineReader(MAX_LINE_BYTES, WorkerProtocol.MAX_REPORT_BYTES).read(stream, onLine);
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
