package io.taskhost.host.classdata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes an archive at {@code archive} by running a worker JVM that loads what a task would load. */
interface ArchiveTraining {

    void train(WorkerJdk jdk, List<String> jvmOptions, String classpath, Path archive)
            throws ArchiveException, IOException, InterruptedException;
}
