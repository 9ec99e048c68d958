package io.taskhost.host.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * How worker JVMs are started.
 *
 * @param java        the {@code java} executable
 * @param jvmOptions  options placed before {@code -cp}
 * @param workDir     the workers' working directory
 * @param environment variable names passed through from the host; every other variable,
 *                    including Redis credentials, is withheld from the worker
 */
public record LaunchSettings(Path java, List<String> jvmOptions, Path workDir, List<String> environment) {

    public static final List<String> DEFAULT_ENVIRONMENT = List.of("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR");
}
