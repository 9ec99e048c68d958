package io.taskhost.host.launch;

import io.taskhost.worker.RuntimeClassPath;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The worker runtime's part of a worker JVM's classpath: the runtime itself, plugin-api,
 * pf4j (for {@code ExtensionPoint}) and Jackson. The plugin jar is appended per task. It is read
 * off the host's own classpath, so the host and its workers always run the same versions.
 */
public final class WorkerClasspath {

    private final List<Path> entries;

    WorkerClasspath(List<Path> entries) {
        this.entries = List.copyOf(entries);
    }

    public static WorkerClasspath ofHost() {
        return new WorkerClasspath(RuntimeClassPath.ofThisJvm());
    }

    public String with(Path pluginJar) {
        return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator))
                + File.pathSeparator + pluginJar;
    }

    /** The classpath as jars, in order, {@code pluginJar} last: what a class-data archive is named after. */
    public List<Path> jars(Path pluginJar) {
        List<Path> jars = new ArrayList<>(entries);
        jars.add(pluginJar);
        return List.copyOf(jars);
    }
}
