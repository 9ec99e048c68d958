package io.taskhost.worker;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskWorker;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * The runtime's part of every worker JVM's class path, ahead of the plugin: the worker runtime, plugin-api,
 * pf4j (for {@code ExtensionPoint}) and Jackson, in this order. It is read off the class path of the JVM that
 * asks, so the host, the testkit and their workers always run the same versions.
 */
public final class RuntimeClassPath {

    private RuntimeClassPath() {
    }

    /** Where this JVM loads those from: jars, or classes directories in a build. */
    public static List<Path> ofThisJvm() {
        Set<Path> entries = new LinkedHashSet<>();
        for (Class<?> type : List.of(WorkerMain.class, TaskWorker.class, ExtensionPoint.class, ObjectMapper.class,
                JsonFactory.class, JsonAutoDetect.class)) {
            entries.add(locationOf(type));
        }
        return List.copyOf(entries);
    }

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot find where " + type.getName() + " comes from on this JVM's class"
                    + " path; taskhost needs taskhost-worker-runtime, plugin-api, pf4j and Jackson as jars or"
                    + " directories", e);
        }
    }
}
