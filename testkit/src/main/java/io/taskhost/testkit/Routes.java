package io.taskhost.testkit;

import io.taskhost.api.TaskClass;
import io.taskhost.api.TaskOptions;
import io.taskhost.api.TaskWorker;
import io.taskhost.worker.Operations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One plugin's routing table, built as the host builds it: the TaskWorker classes its
 * {@code META-INF/extensions.idx} lists, each under its simple name and its {@code @TaskClass}
 * aliases, with its {@code _task_} operations. Classes are loaded but never initialized.
 */
final class Routes {

    /** The host's default heap for a worker. */
    static final String DEFAULT_HEAP = "256m";
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

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
     * @param parent the loader that supplies plugin-api, as the worker's class path does
     * @throws IllegalStateException if a listed class cannot be loaded: the host would reject the plugin
     */
    static Routes of(PluginLocation plugin, ClassLoader parent, Duration defaultTimeout) {
        Optional<List<String>> index = plugin.extensionIndex();
        Map<String, Route> byName = new LinkedHashMap<>();
        try (var loader = plugin.newClassLoader(parent)) {
            for (String name : index.orElse(List.of())) {
                Class<?> type = load(plugin, loader, name);
                if (TaskWorker.class.isAssignableFrom(type) && isInstantiable(type)) {
                    Route route = describe(type, defaultTimeout);
                    for (String taskClass : names(type)) {
                        byName.putIfAbsent(taskClass, route);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Routes(plugin, byName, index.isPresent());
    }

    Optional<Route> route(String taskClass) {
        return Optional.ofNullable(byName.get(taskClass));
    }

    SortedSet<String> classNames() {
        return new TreeSet<>(byName.keySet());
    }

    String unknownClass(String taskClass) {
        if (!indexed) {
            return plugin + " has no " + PluginLocation.EXTENSION_INDEX + ", so it declares no TaskWorker; annotate"
                    + " each TaskWorker with @Extension and run pf4j's annotation processor (javac 23+ skips it unless"
                    + " it is named in annotationProcessorPaths, as taskhost-plugin-parent does)";
        }
        if (byName.isEmpty()) {
            return plugin + " lists no usable TaskWorker in " + PluginLocation.EXTENSION_INDEX + "; a TaskWorker is a"
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

    private static Class<?> load(PluginLocation plugin, ClassLoader loader, String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("the host would reject " + plugin + ": " + PluginLocation.EXTENSION_INDEX
                    + " lists " + name + ", which does not load: " + e, e);
        }
    }

    private static boolean isInstantiable(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        try {
            type.getConstructor();
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static List<String> names(Class<?> type) {
        List<String> names = new ArrayList<>();
        names.add(type.getSimpleName());
        TaskClass aliases = type.getAnnotation(TaskClass.class);
        if (aliases != null) {
            for (String alias : aliases.value()) {
                // The host ignores these: a dotted name is a Java class name, which payloads never reach.
                if (!alias.isBlank() && alias.indexOf('.') < 0) {
                    names.add(alias);
                }
            }
        }
        return names;
    }

    private static Route describe(Class<?> type, Duration defaultTimeout) {
        TaskOptions classOptions = type.getAnnotation(TaskOptions.class);
        Map<String, Operation> operations = new TreeMap<>();
        Map<String, String> unusable = new TreeMap<>();
        Set<String> overloaded = new TreeSet<>();
        for (Method method : type.getMethods()) {
            if (!Operations.isOperation(method)) {
                continue;
            }
            String worker = Operations.workerName(method);
            Optional<String> problem = Operations.unsupportedSignature(method);
            if (problem.isPresent()) {
                unusable.putIfAbsent(worker, problem.get());
                continue;
            }
            TaskOptions options = method.getAnnotation(TaskOptions.class);
            Operation operation = new Operation(method.getName(),
                    timeout(options).or(() -> timeout(classOptions)).orElse(defaultTimeout),
                    heap(options).or(() -> heap(classOptions)).orElse(DEFAULT_HEAP));
            if (operations.putIfAbsent(worker, operation) != null) {
                overloaded.add(worker);
            }
        }
        Map<String, String> skipped = new TreeMap<>();
        for (String worker : overloaded) {
            operations.remove(worker);
            skipped.put(worker, "it is declared more than once, and a payload could not choose between the overloads");
        }
        unusable.forEach((worker, problem) -> {
            if (!operations.containsKey(worker)) {
                skipped.putIfAbsent(worker, problem);
            }
        });
        return new Route(type.getName(), Collections.unmodifiableMap(operations), Collections.unmodifiableMap(skipped));
    }

    /** The host ignores an attribute it cannot read, and so does the testkit. */
    private static Optional<Duration> timeout(TaskOptions options) {
        if (options == null || options.timeout().isBlank()) {
            return Optional.empty();
        }
        String text = options.timeout().trim();
        Matcher matcher = SHORT_DURATION.matcher(text);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return Optional.of(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
        }
        try {
            return Optional.of(Duration.parse(text));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> heap(TaskOptions options) {
        if (options == null || !HEAP.matcher(options.maxHeap().trim()).matches()) {
            return Optional.empty();
        }
        return Optional.of(options.maxHeap().trim());
    }
}
