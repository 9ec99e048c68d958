package io.taskhost.host.classdata;

import io.taskhost.worker.WorkerProtocol;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a warm worker once with the archive in strict mode, where a JVM that cannot map it refuses
 * to start. Only an archive that passes is ever handed to a task's JVM.
 */
final class ArchiveVerification {

    private final JvmRunner runner;

    ArchiveVerification(JvmRunner runner) {
        this.runner = runner;
    }

    void verify(WorkerJdk jdk, List<String> jvmOptions, String classpath, Path archive)
            throws ArchiveException, IOException, InterruptedException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(jdk.format().strictOptions(archive));
        JvmRunner.Result result = runner.runWorker(jdk.java(), options, classpath, List.of(WorkerProtocol.WARM),
                archive.getParent());
        if (result.exitCode() != 0) {
            throw new ArchiveException("a worker JVM in strict mode (" + String.join(" ",
                    jdk.format().strictOptions(archive)) + ") exited " + result.exitCode(), result.output());
        }
    }
}
