package io.taskhost.host.classdata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells which JDK a {@code java} executable is by asking it ({@code -XshowSettings:properties}), once per
 * executable: a wrapper script or an alternatives link would defeat reading a {@code release} file.
 */
final class JdkProbe {

    private static final Logger log = LoggerFactory.getLogger(JdkProbe.class);

    private final JvmRunner runner;
    private final Map<Path, WorkerJdk> known = new ConcurrentHashMap<>();

    JdkProbe(JvmRunner runner) {
        this.runner = runner;
    }

    Optional<WorkerJdk> known(Path java) {
        return Optional.ofNullable(known.get(java));
    }

    WorkerJdk probe(Path java) throws InterruptedException {
        WorkerJdk jdk = known.get(java);
        if (jdk == null) {
            jdk = ask(java);
            known.put(java, jdk);
        }
        return jdk;
    }

    private WorkerJdk ask(Path java) throws InterruptedException {
        JvmRunner.Result result;
        try {
            result = runner.run(java, List.of("-XshowSettings:properties", "-version"));
        } catch (IOException e) {
            log.warn("cannot start {} to tell its version; workers start without class-data sharing: {}", java,
                    e.toString());
            return WorkerJdk.unknown(java);
        }
        Map<String, String> properties = properties(result.output());
        String specification = properties.get("java.specification.version");
        String build = properties.get("java.runtime.version");
        if (result.exitCode() != 0 || specification == null || build == null) {
            log.warn("cannot tell the version of {} (exit {}); workers start without class-data sharing. Its output:\n{}",
                    java, result.exitCode(), result.output());
            return WorkerJdk.unknown(java);
        }
        WorkerJdk jdk = new WorkerJdk(java, properties.getOrDefault("java.home", ""), feature(specification), build);
        log.debug("worker JDK {} is feature version {}, class-data format {}", jdk, jdk.feature(), jdk.format());
        return jdk;
    }

    /** {@code 1.8} is feature 8; {@code 17} is 17. */
    static int feature(String specificationVersion) {
        String[] parts = specificationVersion.trim().split("\\.");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Map<String, String> properties(String settingsOutput) {
        Map<String, String> properties = new HashMap<>();
        for (String line : settingsOutput.split("\\R")) {
            int equals = line.indexOf(" = ");
            if (equals > 0 && line.startsWith("    ") && !line.startsWith("     ")) {
                properties.put(line.substring(0, equals).trim(), line.substring(equals + 3).trim());
            }
        }
        return properties;
    }
}
