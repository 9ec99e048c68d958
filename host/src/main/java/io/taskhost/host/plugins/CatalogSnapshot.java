package io.taskhost.host.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every jar a host has seen in its plugins-dir and what it made of it: what {@code taskhost plugins}
 * shows. A host publishes its snapshot to Redis; the command can also take one of a directory.
 *
 * @param conflicts class names claimed by two plugins, and how each was settled
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CatalogSnapshot(String host, long takenAt, String directory, List<JarStatus> jars, List<String> conflicts) {

    public static final String ACTIVE = "active";
    public static final String SUPERSEDED = "superseded";
    public static final String REJECTED = "rejected";

    /**
     * One jar file.
     *
     * @param status  {@code active}, {@code superseded} (a higher version of its plugin is active) or
     *                {@code rejected}
     * @param reason  why it was rejected or superseded
     * @param serving for a rejected replacement, the version of the same file that still serves
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record JarStatus(String file, String sha256, String id, String version, String status, String reason,
                            String serving, List<ClassStatus> classes) {
    }

    /**
     * A TaskWorker class, the names it answers to, and its operations.
     *
     * @param schedules its operations that declare a {@code @TaskSchedule}, each as {@code operation: cron ...} or
     *                  {@code operation: every ...}
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ClassStatus(String javaClass, List<String> names, List<String> operations, List<String> schedules) {

        public ClassStatus(String javaClass, List<String> names, List<String> operations) {
            this(javaClass, names, operations, List.of());
        }
    }
}
