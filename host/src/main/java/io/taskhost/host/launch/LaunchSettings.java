package io.taskhost.host.launch;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How worker JVMs are started.
 *
 * @param java          the {@code java} executable
 * @param scratchRoot   where the host makes the workers' scratch directories (see {@link WorkerScratch}),
 *                      outside the cache directory
 * @param sparesKeptFor a plugin version no task has used for this long keeps no warm spares
 */
public record LaunchSettings(Path java, Path scratchRoot, Duration sparesKeptFor) {
}
