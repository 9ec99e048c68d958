package io.taskhost.host.classdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.sandbox.SandboxProbe;
import io.taskhost.host.sandbox.WorkerIsolation;
import io.taskhost.host.sandbox.WorkerLimits;
import io.taskhost.host.sandbox.WorkerSandbox;
import io.taskhost.worker.WorkerProtocol;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVMs that train and verify an archive run as a worker runs, in its sandbox. */
class JvmRunnerTest {

    private static final Path HOST_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path temp;

    /*
     * A worker's temporary files go to its own directory, the one writable place in its sandbox. The training
     * run once kept the JDK's /tmp, read-only in the sandbox: its warm-up could not rehearse writing a file, so
     * archives trained in the sandbox lacked the file classes, and every sandboxed task that wrote a file loaded
     * some 26 of them from the runtime image.
     */
    @Test
    void aTrainingRunInTheSandboxCanWriteItsTemporaryFilesAsAWorkerCan() throws Exception {
        WorkerSandbox sandbox;
        try {
            sandbox = SandboxProbe.ofThisMachine().choose(SandboxMode.REQUIRED, HOST_JAVA);
        } catch (IllegalArgumentException e) {
            assumeTrue(false, "no usable bubblewrap on this machine: " + e.getMessage());
            return;
        }
        Path workDir = Files.createDirectories(temp.resolve("work"));
        Path outputDir = Files.createDirectories(temp.resolve("output"));
        var worker = new NoopWorker(HOST_JAVA, workDir, NoopWorker.fixturesJarIn(temp.resolve("jars")));
        var runner = new JvmRunner(workDir, Duration.ofMinutes(1),
                new WorkerIsolation(sandbox, WorkerLimits.none(), "512m"));

        JvmRunner.Result result = runner.runWorker(HOST_JAVA, NoopWorker.jvmOptions(),
                worker.jars().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                List.of(WorkerProtocol.WARM), outputDir);

        assertEquals(0, result.exitCode(), result.output());
        assertFalse(result.output().contains("could not write a temporary file"), result.output());
    }
}
