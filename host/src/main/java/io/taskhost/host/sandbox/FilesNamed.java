package io.taskhost.host.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files a worker JVM's options name, which a sandbox must show it read-only. */
public final class FilesNamed {

    private static final List<String> FILE_OPTIONS = List.of("-XX:SharedArchiveFile=", "-XX:AOTCache=", "-javaagent:");

    private FilesNamed() {
    }

    /** The class-data archive and agent jars among {@code jvmOptions}. */
    public static List<Path> byOptions(List<String> jvmOptions) {
        List<Path> files = new ArrayList<>();
        for (String option : jvmOptions) {
            for (String prefix : FILE_OPTIONS) {
                if (option.startsWith(prefix)) {
                    String value = option.substring(prefix.length());
                    // An agent's own options follow its jar after '='; an archive's value is the path alone.
                    int agentOptions = prefix.equals("-javaagent:") ? value.indexOf('=') : -1;
                    files.add(Path.of(agentOptions < 0 ? value : value.substring(0, agentOptions)));
                }
            }
        }
        return files;
    }
}
