package io.taskhost.host.plugins;

import java.nio.file.Path;
import java.util.List;

/**
 * A plugin jar that passed its trial load: what it is and which TaskWorkers it offers.
 *
 * @param source    the file in plugins-dir
 * @param cachedJar the content-addressed copy that workers run, so a running task keeps its version
 */
public record PluginJar(String id, String version, String sha256, Path source, Path cachedJar,
                        List<WorkerClass> workers) {

    public String label() {
        return id + "@" + version;
    }
}
