package io.taskhost.host.classdata;

import io.taskhost.host.sandbox.Confined;
import io.taskhost.host.sandbox.Confinement;
import io.taskhost.host.sandbox.FilesNamed;
import io.taskhost.host.sandbox.WorkerIsolation;
import io.taskhost.host.sandbox.WorkerLimits;
import io.taskhost.worker.ProcessGroups;
import io.taskhost.worker.WorkerProcess;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived JVM to its end with stdin at EOF and collects what it printed: the probe of a
 * JDK, and the training and verification runs of an archive. Environment as for workers, so that
 * the host's own {@code JAVA_TOOL_OPTIONS} cannot leak into an archive.
 */
final class JvmRunner {

    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final Path workDir;
    private final Duration limit;
    private final WorkerIsolation isolation;

    /** @param isolation how the runs of a worker, which load a plugin's classes, are confined */
    JvmRunner(Path workDir, Duration limit, WorkerIsolation isolation) {
        this.workDir = workDir;
        this.limit = limit;
        this.isolation = isolation;
    }

    record Result(int exitCode, String output) {
    }

    /** {@code java <arguments>}, no classpath. */
    Result run(Path java, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(arguments);
        var builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> kept = new HashMap<>();
        for (String name : WorkerProcess.ENVIRONMENT) {
            String value = builder.environment().get(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        builder.environment().clear();
        builder.environment().putAll(kept);
        return finish(builder.start(), command);
    }

    /**
     * A worker JVM, started as the launcher starts one, in its sandbox, given {@code arguments}. It
     * loads a plugin's classes, so it may write nowhere but its working directory and {@code outputDir}.
     */
    Result runWorker(Path java, List<String> jvmOptions, String classpath, List<String> arguments, Path outputDir)
            throws IOException, InterruptedException {
        List<Path> readOnly = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            readOnly.add(Path.of(entry));
        }
        readOnly.addAll(FilesNamed.byOptions(jvmOptions));
        try (Confinement limits = isolation.limits().forWorker(
                WorkerLimits.memoryFor(jvmOptions, isolation.memoryHeadroom()))) {
            List<String> wrapper = new ArrayList<>(limits.commandPrefix());
            wrapper.addAll(isolation.sandbox().commandFor(
                    new Confined(readOnly, List.of(workDir, outputDir), workDir, false)));
            // Its working directory is its temporary directory too, as a worker's scratch is: in the sandbox, the
            // JDK's /tmp is read-only, and a warm-up that cannot write a file leaves the file classes out of the archive.
            Process process = WorkerProcess.startInScratch(wrapper, java, jvmOptions, classpath, workDir, arguments,
                    ProcessGroups.none());
            return finish(process, List.of(java.toString(), String.join(" ", jvmOptions), "-cp", classpath));
        }
    }

    private Result finish(Process process, List<String> command) throws InterruptedException, IOException {
        process.getOutputStream().close();
        var stdout = new ByteArrayOutputStream();
        var stderr = new ByteArrayOutputStream();
        Thread stdoutReader = reader(process.getInputStream(), stdout, "class-data-jvm-stdout");
        Thread stderrReader = reader(process.getErrorStream(), stderr, "class-data-jvm-stderr");
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                WorkerProcess.killTree(process, KILL_GRACE);
                throw new IOException("JVM ran past " + limit + " and was killed: " + String.join(" ", command));
            }
            stdoutReader.join(KILL_GRACE.toMillis());
            stderrReader.join(KILL_GRACE.toMillis());
        } catch (InterruptedException e) {
            WorkerProcess.killTree(process, KILL_GRACE);
            throw e;
        }
        return new Result(process.exitValue(), (text(stdout) + "\n" + text(stderr)).strip());
    }

    private static Thread reader(InputStream from, ByteArrayOutputStream to, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (from) {
                int read;
                while ((read = from.read(buffer)) >= 0) {
                    synchronized (to) {
                        to.write(buffer, 0, read);
                    }
                }
            } catch (IOException e) {
                // the JVM was killed; what it printed so far is all there is
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
