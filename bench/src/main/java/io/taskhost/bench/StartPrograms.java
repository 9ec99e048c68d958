package io.taskhost.bench;

import io.taskhost.host.launch.WorkerClasspath;
import io.taskhost.host.sandbox.Confined;
import io.taskhost.host.sandbox.FilesNamed;
import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.sandbox.SandboxProbe;
import io.taskhost.host.sandbox.WorkerSandbox;
import io.taskhost.worker.WorkerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The programs whose starts the bench sets the launch modes against, each bare and in the bubblewrap
 * sandbox the host would give a worker (the host's own code makes its command line): the floor, a worker
 * JVM with the workers' java, class path and options that exits at once on an empty stdin; the ceiling,
 * the task's operation alone ({@link OperationAloneStart}); and {@code true}, for the sandbox's own cost.
 */
final class StartPrograms {

    private final List<String> floor;
    private final OperationAloneStart ceiling;
    private final Optional<WorkerSandbox> sandbox;
    private final String sandboxMissing;
    private final List<Path> workerFiles;
    private final Path ceilingDirectory;
    private final Path scratch;

    private StartPrograms(List<String> floor, OperationAloneStart ceiling, Optional<WorkerSandbox> sandbox,
                          String sandboxMissing, List<Path> workerFiles, Path ceilingDirectory, Path scratch) {
        this.floor = floor;
        this.ceiling = ceiling;
        this.sandbox = sandbox;
        this.sandboxMissing = sandboxMissing;
        this.workerFiles = workerFiles;
        this.ceilingDirectory = ceilingDirectory;
        this.scratch = scratch;
    }

    /**
     * @param ceiling          the ceiling's command, prepared in {@code ceilingDirectory}, which holds its jar and archive
     * @param sandboxScratch   the working directory of the programs in the sandbox, the one place they may write
     */
    static StartPrograms prepare(Path java, List<String> jvmOptions, Path pluginJar, OperationAloneStart ceiling,
                                 Path ceilingDirectory, Path sandboxScratch) throws IOException {
        List<String> floor = new ArrayList<>();
        floor.add(java.toString());
        floor.addAll(jvmOptions);
        floor.addAll(List.of("-cp", WorkerClasspath.ofHost().with(pluginJar), WorkerMain.class.getName()));
        List<Path> workerFiles = new ArrayList<>(WorkerClasspath.ofHost().jars(pluginJar));
        workerFiles.addAll(FilesNamed.byOptions(jvmOptions));
        try {
            WorkerSandbox sandbox = SandboxProbe.ofThisMachine().choose(SandboxMode.REQUIRED, java);
            return new StartPrograms(List.copyOf(floor), ceiling, Optional.of(sandbox), null, List.copyOf(workerFiles),
                    ceilingDirectory, Files.createDirectories(sandboxScratch));
        } catch (IllegalArgumentException e) {
            return new StartPrograms(List.copyOf(floor), ceiling, Optional.empty(), e.getMessage(),
                    List.copyOf(workerFiles), ceilingDirectory, sandboxScratch);
        }
    }

    List<String> floor() {
        return floor;
    }

    /** The ceiling's command, or empty when it cannot be measured for this task ({@link OperationAloneStart#missing} says why). */
    Optional<List<String>> ceiling() {
        return ceiling.measurable() ? Optional.of(ceiling.command()) : Optional.empty();
    }

    boolean sandboxUsable() {
        return sandbox.isPresent();
    }

    /** Why this machine has no usable sandbox; null where it has one. */
    String sandboxMissing() {
        return sandboxMissing;
    }

    /** The floor in the sandbox, with the host's network or without, as a worker's plan says. */
    List<String> floorInSandbox(boolean network) {
        return inSandbox(workerFiles, network, floor);
    }

    /** The ceiling in the sandbox a worker gets, its own jar and archive beside the worker's files; empty as {@link #ceiling()}. */
    Optional<List<String>> ceilingInSandbox(boolean network) {
        List<Path> files = new ArrayList<>(workerFiles);
        files.add(ceilingDirectory);
        return ceiling().map(command -> inSandbox(files, network, command));
    }

    /** {@code true} in the sandbox, with nothing of the worker's bound into it. */
    List<String> trueInSandbox(boolean network) {
        return inSandbox(List.of(), network, List.of("true"));
    }

    private List<String> inSandbox(List<Path> readOnly, boolean network, List<String> command) {
        WorkerSandbox bubblewrap = sandbox.orElseThrow(() -> new IllegalStateException(sandboxMissing));
        List<String> whole = new ArrayList<>(
                bubblewrap.commandFor(new Confined(readOnly, List.of(scratch), scratch, network)));
        whole.addAll(command);
        return whole;
    }
}
