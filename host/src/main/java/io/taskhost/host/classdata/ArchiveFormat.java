package io.taskhost.host.classdata;

import java.nio.file.Path;
import java.util.List;

/** The kind of class-data archive a worker JDK can use, and how a JVM is told to use one. */
enum ArchiveFormat {

    /** The JDK is too old, or unknown: workers start without an archive. */
    NONE(""),
    /** A dynamic AppCDS archive on top of the JDK's default one (JDK 13 to 23). */
    DYNAMIC_APP_CDS(".jsa"),
    /** An AOT cache (JEP 483, JDK 24 and later). */
    AOT_CACHE(".aot");

    private final String extension;

    ArchiveFormat(String extension) {
        this.extension = extension;
    }

    static ArchiveFormat forFeatureVersion(int feature) {
        if (feature >= 24) {
            return AOT_CACHE;
        }
        return feature >= 13 ? DYNAMIC_APP_CDS : NONE;
    }

    String extension() {
        return extension;
    }

    /** Auto mode: a missing or rejected archive costs the JVM a warning, never its start. */
    List<String> launchOptions(Path archive) {
        return switch (this) {
            case DYNAMIC_APP_CDS -> List.of("-XX:SharedArchiveFile=" + archive);
            case AOT_CACHE -> List.of("-XX:AOTCache=" + archive);
            case NONE -> List.of();
        };
    }

    /** Strict mode: a JVM that cannot map the archive refuses to start, which is what verification needs. */
    List<String> strictOptions(Path archive) {
        return switch (this) {
            case DYNAMIC_APP_CDS -> List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on");
            case AOT_CACHE -> List.of("-XX:AOTMode=on", "-XX:AOTCache=" + archive);
            case NONE -> throw new IllegalStateException("no archive to verify without a class-data format");
        };
    }
}
