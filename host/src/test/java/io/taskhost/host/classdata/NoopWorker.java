package io.taskhost.host.classdata;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.launch.CachedJarCheck;
import io.taskhost.host.launch.LaunchPlan;
import io.taskhost.host.launch.LaunchSettings;
import io.taskhost.host.launch.WorkerClasspath;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.launch.WorkerRun;
import io.taskhost.host.testing.Eventually;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The fixtures plugin's noop task, launched as the host launches it, with a given java and class-data sharing. */
final class NoopWorker {

    static final Duration ARCHIVE_DEADLINE = Duration.ofMinutes(3);
    static final List<String> TASK_OPTIONS = List.of("-Xmx256m");

    private final Path java;
    private final Path workDir;
    private final Path pluginJar;

    NoopWorker(Path java, Path workDir, Path pluginJar) {
        this.java = java;
        this.workDir = workDir;
        this.pluginJar = pluginJar;
    }

    /** A copy of the build's fixtures.jar in {@code directory}, so a test may change it. */
    static Path fixturesJarIn(Path directory) {
        try {
            Path built = Path.of(System.getProperty("taskhost.test.plugins-dir", "../plugins-dir"), "fixtures.jar");
            return Files.copy(built, Files.createDirectories(directory).resolve("fixtures.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Path> jars() {
        return WorkerClasspath.ofHost().jars(pluginJar);
    }

    /** Every option a launch gives the JVM before the archive's: the host-wide defaults, then the task's. */
    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(WorkerProcess.DEFAULT_JVM_OPTIONS);
        options.addAll(TASK_OPTIONS);
        return options;
    }

    List<String> awaitArchiveOptions(ClassDataSharing classData) {
        return Eventually.value(ARCHIVE_DEADLINE, "a verified class-data archive for " + pluginJar + " on " + java,
                () -> {
                    List<String> options = classData.optionsFor(jars(), jvmOptions());
                    return options.isEmpty() ? null : options;
                });
    }

    WorkerRun run(ClassDataSharing classData) throws IOException, InterruptedException {
        try (var launcher = new WorkerLauncher(new LaunchSettings(java, workDir, Duration.ofMinutes(1)),
                WorkerClasspath.ofHost(), classData, new ObjectMapper(), CachedJarCheck.NONE)) {
            var assignment = new TaskAssignment(UUID.randomUUID().toString(), 1, "Fixtures", "noop",
                    "io.taskhost.examples.fixtures.Fixtures", "_task_noop", null, null, null);
            return launcher.run(assignment, new LaunchPlan(pluginJar, jvmOptions(), 0, 1,
                    "io.taskhost.examples.fixtures.Fixtures"), Duration.ofSeconds(60));
        }
    }

    static Path archivePath(List<String> options) {
        String option = options.get(options.size() - 1);
        return Path.of(option.substring(option.indexOf('=') + 1));
    }
}
