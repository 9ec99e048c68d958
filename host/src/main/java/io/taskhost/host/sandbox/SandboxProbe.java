package io.taskhost.host.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at start which sandbox the workers get: finds {@code bwrap} on the {@code PATH} and
 * makes one trial sandbox with every namespace a worker's takes, since bubblewrap installed is
 * not bubblewrap usable (a kernel or a service manager may forbid user namespaces).
 */
public final class SandboxProbe {

    private static final Logger log = LoggerFactory.getLogger(SandboxProbe.class);
    static final String INSTALL = "install bubblewrap (Debian and Ubuntu: apt-get install bubblewrap;"
            + " Fedora and RHEL: dnf install bubblewrap)";

    private final Map<String, String> environment;
    private final Path root;

    /** A probe that searches {@code environment}'s {@code PATH} and shows the sandbox {@code root}'s files. */
    SandboxProbe(Map<String, String> environment, Path root) {
        this.environment = environment;
        this.root = root;
    }

    /** A probe of this machine, searching this process's {@code PATH}. */
    public static SandboxProbe ofThisMachine() {
        return new SandboxProbe(System.getenv(), Path.of("/"));
    }

    /**
     * The sandbox for worker JVMs run by {@code java}, as {@code mode} asks; with {@code auto} on a
     * machine without one, {@link WorkerSandbox#none()} and one warning.
     *
     * @throws IllegalArgumentException with {@code required} on a machine without a usable
     *                                  bubblewrap, saying what to install or allow
     */
    public WorkerSandbox choose(SandboxMode mode, Path java) {
        if (mode == SandboxMode.OFF) {
            log.info("worker sandbox: off (--worker-sandbox=off); tasks run with the host's user and see its files");
            return WorkerSandbox.none();
        }
        Optional<String> missing;
        WorkerSandbox sandbox = null;
        try {
            Optional<Path> bwrap = find("bwrap");
            if (bwrap.isEmpty()) {
                missing = Optional.of("bubblewrap (bwrap) is not on the PATH (" + environment.getOrDefault("PATH", "")
                        + "): " + INSTALL);
            } else {
                SystemView view = SystemView.of(root, java);
                sandbox = WorkerSandbox.bubblewrap(bwrap.get(), view);
                missing = trial(bwrap.get(), view);
            }
        } catch (IOException e) {
            missing = Optional.of("the sandbox could not be set up: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            missing = Optional.of("the host was interrupted while it tried bubblewrap");
        }
        if (missing.isEmpty()) {
            log.info("worker sandbox: {}", sandbox);
            return sandbox;
        }
        if (mode == SandboxMode.REQUIRED) {
            throw new IllegalArgumentException("worker-sandbox is required, but " + missing.get()
                    + "; or set worker-sandbox=auto to run workers unsandboxed where no sandbox can be had");
        }
        log.warn("worker sandbox: none, for {}. Tasks run with the host's user and can read what it reads."
                + " Set worker-sandbox=off to run without one and without this warning", missing.get());
        return WorkerSandbox.none();
    }

    private Optional<Path> find(String program) {
        for (String directory : environment.getOrDefault("PATH", "").split(":")) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Empty if a sandbox like a worker's, network-less included, runs {@code true}; else what went wrong. */
    private static Optional<String> trial(Path bwrap, SystemView view) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("taskhost-sandbox-trial");
        try {
            List<String> command = new ArrayList<>(WorkerSandbox.bubblewrap(bwrap, view)
                    .commandFor(new Confined(List.of(), List.of(scratch), scratch, false)));
            command.add("true");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of(bwrap + " did not run a trial sandbox within 10 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                return Optional.of(bwrap + " cannot make a sandbox here (" + output + "): allow unprivileged user"
                        + " namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also"
                        + " kernel.apparmor_restrict_unprivileged_userns=0), and in a systemd unit set no"
                        + " RestrictNamespaces= or PrivateUsers=");
            }
            return Optional.empty();
        } finally {
            Files.deleteIfExists(scratch);
        }
    }
}
