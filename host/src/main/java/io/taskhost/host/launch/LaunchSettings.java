package io.taskhost.host.launch;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How worker JVMs are started.
 *
 * @param java          the {@code java} executable
 * @param workDir       the workers' working directory
 * @param sparesKeptFor a plugin version no task has used for this long keeps no warm spares
 */
public record LaunchSettings(Path java, Path workDir, Duration sparesKeptFor) {
}
