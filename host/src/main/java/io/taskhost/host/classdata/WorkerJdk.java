package io.taskhost.host.classdata;

import java.nio.file.Path;

/**
 * What the worker JVM's {@code java} turned out to be.
 *
 * @param java    the executable as configured
 * @param home    its {@code java.home}
 * @param feature the feature version (17 for 17.0.15), 0 when it could not be told
 * @param build   {@code java.runtime.version}, such as {@code 25.0.3+9-LTS}; archives are only valid for one build
 */
record WorkerJdk(Path java, String home, int feature, String build) {

    static WorkerJdk unknown(Path java) {
        return new WorkerJdk(java, "", 0, "unknown");
    }

    ArchiveFormat format() {
        return ArchiveFormat.forFeatureVersion(feature);
    }

    @Override
    public String toString() {
        return java + " (" + build + ")";
    }
}
