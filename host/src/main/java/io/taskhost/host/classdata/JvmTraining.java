package io.taskhost.host.classdata;

import io.taskhost.worker.WorkerProtocol;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm worker ({@code --warm}, stdin at EOF) run with the archive-writing options of its JDK: dynamic
 * AppCDS on 13 to 23, the one-step AOT cache on 25 and later, and on 24, which has no one-step form,
 * a recording run followed by a creating run.
 */
final class JvmTraining implements ArchiveTraining {

    private static final Logger log = LoggerFactory.getLogger(JvmTraining.class);
    private static final List<String> WARM = List.of(WorkerProtocol.WARM);

    private final JvmRunner runner;

    JvmTraining(JvmRunner runner) {
        this.runner = runner;
    }

    @Override
    public void train(WorkerJdk jdk, List<String> jvmOptions, String classpath, Path archive)
            throws ArchiveException, IOException, InterruptedException {
        switch (jdk.format()) {
            case DYNAMIC_APP_CDS -> run(jdk, jvmOptions, classpath, archive, "-XX:ArchiveClassesAtExit=" + archive);
            case AOT_CACHE -> {
                if (jdk.feature() >= 25) {
                    run(jdk, jvmOptions, classpath, archive, "-XX:AOTCacheOutput=" + archive);
                } else {
                    recordThenCreate(jdk, jvmOptions, classpath, archive);
                }
            }
            case NONE -> throw new IllegalStateException("no class-data format for " + jdk);
        }
    }

    private void recordThenCreate(WorkerJdk jdk, List<String> jvmOptions, String classpath, Path archive)
            throws ArchiveException, IOException, InterruptedException {
        Path configuration = archive.resolveSibling(archive.getFileName() + "conf");
        try {
            String configurationOption = "-XX:AOTConfiguration=" + configuration;
            run(jdk, jvmOptions, classpath, configuration, "-XX:AOTMode=record", configurationOption);
            run(jdk, jvmOptions, classpath, archive, "-XX:AOTMode=create", configurationOption,
                    "-XX:AOTCache=" + archive);
        } finally {
            Files.deleteIfExists(configuration);
        }
    }

    private void run(WorkerJdk jdk, List<String> jvmOptions, String classpath, Path output, String... archiveOptions)
            throws ArchiveException, IOException, InterruptedException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(List.of(archiveOptions));
        JvmRunner.Result result = runner.runWorker(jdk.java(), options, classpath, WARM, output.getParent());
        if (result.exitCode() != 0 || !Files.isRegularFile(output)) {
            throw new ArchiveException("training run with " + String.join(" ", archiveOptions) + " exited "
                    + result.exitCode() + (Files.isRegularFile(output) ? "" : " without writing " + output),
                    result.output());
        }
        result.output().lines().filter(line -> line.startsWith(WorkerProtocol.WARM_UP_TROUBLE)).forEach(line ->
                log.warn("the training run of {} for {}: {}; its tasks load what that part would have put in the"
                        + " archive from elsewhere", output.getFileName(),
                        // A worker's class path ends with its plugin's jar.
                        classpath.substring(classpath.lastIndexOf(File.pathSeparator) + 1),
                        "warm-up " + line.substring(WorkerProtocol.WARM_UP_TROUBLE.length())));
    }
}
