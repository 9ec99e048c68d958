package io.taskhost.testkit;

import io.taskhost.worker.Operations;
import io.taskhost.worker.PluginReadException;
import io.taskhost.worker.PluginReader;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One plugin's routing table, read by the host's own reader ({@link PluginReader}): its TaskWorker classes,
 * each under its simple name and its {@code @TaskClass} aliases, with its {@code _task_} operations. No
 * plugin code runs while it is read.
 */
final class Routes {

    /** The host's default heap for a worker. */
    static final String DEFAULT_HEAP = "256m";
    private static final String EXTENSION_INDEX = "META-INF/extensions.idx";

    /** A TaskWorker and the operations a payload can reach; {@code skipped} says why other {@code _task_} methods cannot. */
    record Route(String javaClass, Map<String, Operation> operations, Map<String, String> skipped) {
    }

    /** An operation with its {@code @TaskOptions} limits, the testkit's defaults filled in. */
    record Operation(String method, Duration timeout, String maxHeap) {
    }

    private final PluginLocation plugin;
    private final Map<String, Route> byName;
    private final boolean indexed;

    private Routes(PluginLocation plugin, Map<String, Route> byName, boolean indexed) {
        this.plugin = plugin;
        this.byName = byName;
        this.indexed = indexed;
    }

    /**
     * @param warnings where to tell the plugin's author what the host would warn about
     * @throws IllegalStateException if the host would reject the plugin, such as for a listed class that does
     *                               not load
     */
    static Routes of(PluginLocation plugin, PluginReader reader, Duration defaultTimeout, PrintStream warnings) {
        PluginReader.Contents contents;
        try {
            contents = reader.read(plugin.path(), plugin.libraries());
        } catch (PluginReadException e) {
            throw new IllegalStateException("the host would reject " + plugin + ": " + e.getMessage(), e);
        }
        contents.warnings().forEach(warning -> warnings.println("taskhost testkit: " + plugin.path().getFileName()
                + ": " + warning));
        Map<String, Route> byName = new LinkedHashMap<>();
        for (PluginReader.Worker worker : contents.workers()) {
            Route route = route(worker, defaultTimeout);
            for (String taskClass : worker.names()) {
                byName.putIfAbsent(taskClass, route);
            }
        }
        return new Routes(plugin, byName, contents.indexed());
    }

    Optional<Route> route(String taskClass) {
        return Optional.ofNullable(byName.get(taskClass));
    }

    SortedSet<String> classNames() {
        return new TreeSet<>(byName.keySet());
    }

    String unknownClass(String taskClass) {
        if (byName.isEmpty() && !indexed) {
            return plugin + " has no " + EXTENSION_INDEX + ", so it declares no TaskWorker; annotate"
                    + " each TaskWorker with @Extension and run pf4j's annotation processor (javac 23+ skips it unless"
                    + " it is named in annotationProcessorPaths, as taskhost-plugin-parent does)";
        }
        if (byName.isEmpty()) {
            return plugin + " lists no usable TaskWorker in " + EXTENSION_INDEX + "; a TaskWorker is a"
                    + " public class with a public no-argument constructor, annotated with @Extension";
        }
        return "no TaskWorker of " + plugin.path().getFileName() + " answers to class \"" + taskClass
                + "\"; known classes: " + classNames();
    }

    static String unknownOperation(Route route, String worker) {
        String reason = route.javaClass() + " has no operation " + Operations.METHOD_PREFIX + worker
                + "; its operations: " + route.operations().keySet();
        String skipped = route.skipped().get(worker);
        return skipped == null ? reason : reason + "; " + Operations.METHOD_PREFIX + worker + " is skipped: " + skipped;
    }

    private static Route route(PluginReader.Worker worker, Duration defaultTimeout) {
        Map<String, Operation> operations = new TreeMap<>();
        worker.operations().forEach((name, operation) -> operations.put(name, new Operation(operation.method(),
                operation.timeout() == null ? defaultTimeout : operation.timeout(),
                operation.maxHeap() == null ? DEFAULT_HEAP : operation.maxHeap())));
        return new Route(worker.javaClass(), Collections.unmodifiableMap(operations), worker.skipped());
    }
}
