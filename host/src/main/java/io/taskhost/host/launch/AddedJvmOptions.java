package io.taskhost.host.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The JVM options the launcher puts before a worker's own ({@code worker-jvm-options}, a plugin's), which come
 * later and so win: an operator who wants a JDK default back names it there.
 */
public final class AddedJvmOptions {

    /**
     * Compiles methods after ten times the JDK's invocation and loop counts, for a JVM that runs one task: C1
     * compiled some 180 methods during a short task, each run a few hundred times before the JVM exits, which
     * cost 13 % of the JVM's CPU (194 against 168 ms, JDK 17, 20 runs interleaved; Temurin 25: 283 against 253).
     * A long task still gets its hot code compiled, a few milliseconds later. A JVM reused for many tasks keeps
     * the JDK's counts: there the compiled code pays back, and reuse mode ran slower with the option.
     */
    static final String ONE_TASK_COMPILATION = "-XX:CompileThresholdScaling=10";

    private AddedJvmOptions() {
    }

    /**
     * The options for a worker JVM of a JDK of {@code feature} version (empty: not known) that runs up to
     * {@code tasksPerWorker} tasks; the benchmark starts its floor with them too.
     */
    public static List<String> forWorker(OptionalInt feature, int tasksPerWorker) {
        List<String> options = new ArrayList<>(QuietWhileWaiting.forJdk(feature));
        options.addAll(ArchivesAtTheirAddress.forJdk(feature));
        if (tasksPerWorker == 1) {
            options.add(ONE_TASK_COMPILATION);
        }
        // Each set names -XX:+UnlockDiagnosticVMOptions for its own sake; the JVM needs it once.
        return options.stream().distinct().toList();
    }
}
