package io.taskhost.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged {@code bin/taskhost run}, as a process of its own that a test can kill. */
public final class HostProcess implements AutoCloseable {

    private static final Path DISTRIBUTION = Path.of(System.getProperty("taskhost.test.distribution",
            "target/taskhost"));

    private final Process process;
    private final Path log;

    private HostProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static HostProcess run(Path log, String... args) {
        return runAs(List.of(), log, args);
    }

    /** As {@link #run}, through {@code prefix}, such as {@code setpriv} to run it as another user. */
    public static HostProcess runAs(List<String> prefix, Path log, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(DISTRIBUTION.resolve("bin/taskhost").toString(), "run"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new HostProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The worker JVMs it is running now. */
    public List<ProcessHandle> workers() {
        return process.descendants().toList();
    }

    /** SIGKILL: no shutdown hook, no grace, no goodbye. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGKILL to the host and all its worker JVMs at the same moment, as a power loss or an OOM
     * killer taking the whole service down does: no process gets to tidy up after another.
     */
    public void killWithAllItsProcesses() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
