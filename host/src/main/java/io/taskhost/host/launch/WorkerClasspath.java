package io.taskhost.host.launch;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskWorker;
import io.taskhost.worker.WorkerMain;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.pf4j.ExtensionPoint;

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
        Set<Path> entries = new LinkedHashSet<>();
        for (Class<?> type : List.of(WorkerMain.class, TaskWorker.class, ExtensionPoint.class, ObjectMapper.class,
                JsonFactory.class, JsonAutoDetect.class)) {
            entries.add(locationOf(type));
        }
        return new WorkerClasspath(List.copyOf(entries));
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

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot find the jar of " + type.getName() + " on the host's classpath", e);
        }
    }
}
