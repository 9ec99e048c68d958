package io.taskhost.host.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a worker JVM's command line starts with so that it runs in a sandbox: bubblewrap with
 * pid, ipc and uts namespaces of its own (so {@code /proc} shows only the task's processes), a
 * read-only view of the system and the JDK ({@link SystemView}), its own jars and archive
 * read-only, its scratch directory the only writable place (its {@code TMPDIR}; {@code /tmp} is
 * an empty, read-only directory of its own), no
 * capabilities and no new privileges (bubblewrap always sets {@code PR_SET_NO_NEW_PRIVS}), and
 * optionally no network. It dies with the host ({@code --die-with-parent}), and when its first
 * process ends the kernel kills every other process in its pid namespace, so nothing a task
 * started outlives its worker. Or, for {@link #none()}, nothing at all.
 */
public final class WorkerSandbox {

    /** What an outcome record says of a worker that ran in no sandbox. */
    public static final String NONE = "none";
    /** What an outcome record says of a worker that ran in bubblewrap. */
    public static final String BUBBLEWRAP = "bubblewrap";

    private final Path bwrap;
    private final SystemView view;

    private WorkerSandbox(Path bwrap, SystemView view) {
        this.bwrap = bwrap;
        this.view = view;
    }

    /** No sandbox: workers start as they did before it. */
    public static WorkerSandbox none() {
        return new WorkerSandbox(null, null);
    }

    /**
     * A bubblewrap sandbox that shows {@code view}. The host's config and environment files are not
     * hidden one by one: they are in no part of the view.
     */
    static WorkerSandbox bubblewrap(Path bwrap, SystemView view) {
        return new WorkerSandbox(bwrap, view);
    }

    /** {@value #BUBBLEWRAP} or {@value #NONE}, as outcome records say. */
    public String name() {
        return bwrap == null ? NONE : BUBBLEWRAP;
    }

    /**
     * Whether the worker has a pid namespace of its own, where it cannot see the host's pid: its
     * watchdog then watches its parent inside, and the sandbox's {@code --die-with-parent} ties it to the host.
     */
    public boolean hidesHost() {
        return bwrap != null;
    }

    /** What goes before {@code java} on the command line of a JVM given {@code confined}; empty for none. */
    public List<String> commandFor(Confined confined) {
        if (bwrap == null) {
            return List.of();
        }
        List<String> command = new ArrayList<>(List.of(bwrap.toString(), "--die-with-parent", "--unshare-pid",
                "--unshare-ipc", "--unshare-uts", "--cap-drop", "ALL"));
        if (!confined.network()) {
            command.add("--unshare-net");
        }
        command.addAll(view.arguments());
        // /tmp first: the jars, the archive and the scratch directory may lie under the machine's /tmp.
        command.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (Path path : confined.readOnly()) {
            if (!view.shows(path)) {
                command.addAll(List.of("--ro-bind", path.toString(), path.toString()));
            }
        }
        for (Path path : confined.writable()) {
            command.addAll(List.of("--bind", path.toString(), path.toString()));
        }
        // Binds create their parent directories in the sandbox's own root and /tmp: those must not be
        // writable either, or a task could seem to plant a jar beside the real one. TMPDIR is the scratch.
        command.addAll(List.of("--remount-ro", "/tmp", "--remount-ro", "/"));
        command.addAll(List.of("--chdir", confined.workDir().toString(), "--"));
        return List.copyOf(command);
    }

    @Override
    public String toString() {
        return bwrap == null ? NONE : BUBBLEWRAP + " (" + bwrap + ")";
    }
}
