package io.taskhost.host.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * How worker JVMs are started.
 *
 * @param java        the {@code java} executable
 * @param jvmOptions  options placed before {@code -cp}
 * @param workDir     the workers' working directory
 */
public record LaunchSettings(Path java, List<String> jvmOptions, Path workDir) {
}
