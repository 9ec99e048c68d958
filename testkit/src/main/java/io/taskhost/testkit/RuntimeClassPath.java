package io.taskhost.testkit;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.api.TaskWorker;
import io.taskhost.worker.WorkerMain;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * The runtime's part of a worker's class path, taken from the test's class path as the host
 * takes it from its own: the worker runtime, plugin-api, pf4j's ExtensionPoint and Jackson, in
 * the order the host puts them, ahead of the plugin.
 */
final class RuntimeClassPath {

    private RuntimeClassPath() {
    }

    static List<Path> ofThisJvm() {
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
            throw new IllegalStateException("cannot find where " + type.getName() + " comes from on the test's class"
                    + " path; the testkit needs taskhost-worker-runtime and Jackson as jars or directories", e);
        }
    }
}
