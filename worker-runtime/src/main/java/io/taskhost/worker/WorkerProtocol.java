package io.taskhost.worker;

import java.util.Optional;

/** How a report travels on the worker's stdout, among whatever the plugin itself prints. */
public final class WorkerProtocol {

    private static final String PREFIX = "##taskhost-report:";

    private WorkerProtocol() {
    }

    public static String reportLine(String marker, String reportJson) {
        return PREFIX + marker + ' ' + reportJson;
    }

    /** The report's JSON if {@code line} is the report line for {@code marker}. */
    public static Optional<String> reportJson(String marker, String line) {
        String head = PREFIX + marker + ' ';
        return line.startsWith(head) ? Optional.of(line.substring(head.length())) : Optional.empty();
    }
}
