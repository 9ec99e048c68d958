package io.taskhost.host.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A worker in a cgroup of its own: one group under cgroup v2, or one in each of the pids and memory
 * hierarchies under v1. The command prefix is a shell that writes its own pid into each group's
 * {@code cgroup.procs} and then execs the rest of the command, so the worker and every process it
 * starts are in the groups from the first instruction on; it exits with {@link Confinement#COULD_NOT_JOIN}
 * instead when a write fails.
 */
final class CgroupConfinement implements Confinement {

    static final String JOIN = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit " + COULD_NOT_JOIN
            + "; shift; done; shift; exec \"$@\"";

    private final List<Path> groups;
    private final CgroupFs fs;
    private final Supplier<Optional<String>> limitCheck;
    private final Consumer<CgroupConfinement> onClose;
    private final List<String> prefix;
    private Optional<String> reachedAtClose;

    CgroupConfinement(List<Path> groups, CgroupFs fs, Supplier<Optional<String>> limitCheck,
                      Consumer<CgroupConfinement> onClose) {
        this.groups = List.copyOf(groups);
        this.fs = fs;
        this.limitCheck = limitCheck;
        this.onClose = onClose;
        this.prefix = prefix(groups);
    }

    /** {@code /bin/sh -c <JOIN> taskhost-join <group>/cgroup.procs... --}, before the rest of a command. */
    static List<String> prefix(List<Path> groups) {
        var prefix = new ArrayList<>(List.of("/bin/sh", "-c", JOIN, "taskhost-join"));
        groups.forEach(group -> prefix.add(group.resolve("cgroup.procs").toString()));
        prefix.add("--");
        return List.copyOf(prefix);
    }

    @Override
    public List<String> commandPrefix() {
        return prefix;
    }

    @Override
    public synchronized Optional<String> limitReached() {
        return reachedAtClose != null ? reachedAtClose : limitCheck.get();
    }

    /** Its groups, in the order the prefix joins them. */
    List<Path> groups() {
        return groups;
    }

    /** The processes in its first group. */
    List<Long> processes() {
        return Cgroups.processes(groups.get(0));
    }

    @Override
    public synchronized void close() {
        if (reachedAtClose != null) {
            return;
        }
        reachedAtClose = limitCheck.get();
        groups.forEach(group -> Cgroups.killAndRemove(group, fs));
        onClose.accept(this);
    }
}
