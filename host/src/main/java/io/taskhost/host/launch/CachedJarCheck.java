package io.taskhost.host.launch;

import java.io.IOException;
import java.nio.file.Path;

/** Makes sure a plugin jar holds the content the host loaded, before a worker JVM uses it. */
@FunctionalInterface
public interface CachedJarCheck {

    /** For jars outside the host's jar cache, such as a test's or the benchmark's. */
    CachedJarCheck NONE = jar -> true;

    /**
     * @return true if the jar is as it was loaded; false if it had been changed and is genuine again now, so
     *         that JVMs that may have read the changed jar must not be used
     * @throws IOException if it was changed and cannot be made genuine again; the task fails as launch_failed
     *                     with this message
     */
    boolean verify(Path pluginJar) throws IOException;
}
