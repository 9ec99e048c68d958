package io.taskhost.host.plugins;

import io.taskhost.api.TaskClass;
import io.taskhost.api.TaskOptions;
import io.taskhost.host.config.Durations;
import io.taskhost.host.retries.RunLimits;
import io.taskhost.api.TaskWorker;
import io.taskhost.worker.Operations;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trial load: a jar becomes routable only after PF4J has read its descriptor here and its
 * TaskWorker classes and {@code _task_} methods have been listed. Classes are loaded but never
 * initialized or instantiated in the host; that happens only in a worker JVM.
 */
final class PluginInspector {

    private static final Logger log = LoggerFactory.getLogger(PluginInspector.class);

    PluginJar inspect(Path source, JarCache.CachedJar jar) throws PluginRejectedException {
        List<String> classNames = readJar(source, jar.path());
        PluginManager manager = new DefaultPluginManager(jar.path().getParent());
        String pluginId;
        try {
            pluginId = manager.loadPlugin(jar.path());
        } catch (RuntimeException e) {
            throw new PluginRejectedException(source, "not a loadable PF4J plugin (" + e.getMessage()
                    + "); a plugin jar needs Plugin-Id and Plugin-Version in its manifest", e);
        }
        try {
            manager.startPlugin(pluginId);
            PluginWrapper plugin = manager.getPlugin(pluginId);
            List<Class<?>> candidates = new ArrayList<>(manager.getExtensionClasses(TaskWorker.class, pluginId));
            if (candidates.isEmpty()) {
                candidates = scanForTaskWorkers(plugin.getPluginClassLoader(), classNames);
                if (!candidates.isEmpty()) {
                    log.warn("{}: META-INF/extensions.idx lists no TaskWorker, but scanning the jar found {}; annotate"
                            + " them with @Extension and run pf4j's annotation processor (on JDK 23+ name it in"
                            + " annotationProcessorPaths)", source.getFileName(), candidates);
                }
            }
            List<WorkerClass> workers = new ArrayList<>();
            for (Class<?> type : candidates) {
                describe(source, type).ifPresent(workers::add);
            }
            if (workers.isEmpty()) {
                throw new PluginRejectedException(source, "plugin " + pluginId + " has no usable TaskWorker class;"
                        + " a TaskWorker must be a public class with a public no-argument constructor, annotated with"
                        + " @Extension and indexed by pf4j's annotation processor (META-INF/extensions.idx; on JDK 23+"
                        + " configure annotationProcessorPaths, or the index is silently missing)");
            }
            var descriptor = plugin.getDescriptor();
            return new PluginJar(pluginId, descriptor.getVersion(), jar.sha256(), source, jar.path(), List.copyOf(workers));
        } catch (RuntimeException | LinkageError e) {
            throw new PluginRejectedException(source, "plugin " + pluginId + " failed its trial load: " + e, e);
        } finally {
            manager.unloadPlugin(pluginId);
        }
    }

    /** Checks that the jar is a readable zip with a manifest, and lists its classes. */
    private static List<String> readJar(Path source, Path jar) throws PluginRejectedException {
        try (var zip = new JarFile(jar.toFile())) {
            if (zip.getManifest() == null) {
                throw new PluginRejectedException(source, "has no META-INF/MANIFEST.MF; a plugin jar needs Plugin-Id and"
                        + " Plugin-Version in its manifest");
            }
            return zip.stream().map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class") && !name.contains("-"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .toList();
        } catch (IOException e) {
            throw new PluginRejectedException(source, "is not a valid jar (" + e.getMessage() + "); if it was still"
                    + " being copied, copy it under a temporary name and mv it into plugins-dir", e);
        }
    }

    /** Classes are loaded without being initialized, so no plugin code runs in the host. */
    private static List<Class<?>> scanForTaskWorkers(ClassLoader loader, List<String> classNames) {
        List<Class<?>> found = new ArrayList<>();
        for (String name : classNames) {
            try {
                Class<?> type = Class.forName(name, false, loader);
                if (TaskWorker.class.isAssignableFrom(type) && !type.isInterface()) {
                    found.add(type);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                log.debug("skipping {} while scanning: {}", name, e.toString());
            }
        }
        return found;
    }

    /** An invalid attribute is ignored with a warning, so one typo cannot take a whole plugin down. */
    private static RunLimits limitsOf(Path source, String where, TaskOptions options) {
        if (options == null) {
            return RunLimits.NONE;
        }
        Duration timeout = null;
        Integer maxAttempts = null;
        String maxHeap = null;
        try {
            timeout = options.timeout().isEmpty() ? null : Durations.parse(options.timeout());
        } catch (IllegalArgumentException e) {
            log.warn("{}: @TaskOptions timeout on {} is ignored: {}", source.getFileName(), where, e.getMessage());
        }
        if (options.maxAttempts() > 0) {
            maxAttempts = options.maxAttempts();
        } else if (options.maxAttempts() < 0) {
            log.warn("{}: @TaskOptions maxAttempts {} on {} is ignored", source.getFileName(), options.maxAttempts(), where);
        }
        try {
            maxHeap = options.maxHeap().isEmpty() ? null : RunLimits.heap(options.maxHeap());
        } catch (IllegalArgumentException e) {
            log.warn("{}: @TaskOptions maxHeap on {} is ignored: {}", source.getFileName(), where, e.getMessage());
        }
        return new RunLimits(timeout, maxAttempts, maxHeap);
    }

    private static Optional<WorkerClass> describe(Path source, Class<?> type) {
        if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
            log.warn("{}: {} is not a public concrete class; it is skipped", source.getFileName(), type.getName());
            return Optional.empty();
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            log.warn("{}: {} has no public no-argument constructor; it is skipped", source.getFileName(), type.getName());
            return Optional.empty();
        }
        RunLimits classLimits = limitsOf(source, type.getName(), type.getAnnotation(TaskOptions.class));
        SortedMap<String, WorkerClass.Operation> operations = new TreeMap<>();
        Set<String> overloaded = new LinkedHashSet<>();
        for (Method method : type.getMethods()) {
            if (!Operations.isOperation(method)) {
                continue;
            }
            var problem = Operations.unsupportedSignature(method);
            if (problem.isPresent()) {
                log.warn("{}: {}.{} is skipped: {}", source.getFileName(), type.getName(), method.getName(), problem.get());
                continue;
            }
            RunLimits limits = limitsOf(source, type.getName() + "." + method.getName(),
                    method.getAnnotation(TaskOptions.class)).orElse(classLimits);
            if (operations.putIfAbsent(Operations.workerName(method),
                    new WorkerClass.Operation(method.getName(), limits)) != null) {
                overloaded.add(Operations.workerName(method));
            }
        }
        for (String worker : overloaded) {
            operations.remove(worker);
            log.warn("{}: {} declares {}{} more than once; overloads are ambiguous, so it is skipped",
                    source.getFileName(), type.getName(), Operations.METHOD_PREFIX, worker);
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(type.getSimpleName());
        TaskClass aliases = type.getAnnotation(TaskClass.class);
        if (aliases != null) {
            for (String alias : aliases.value()) {
                if (alias.isBlank() || alias.indexOf('.') >= 0) {
                    log.warn("{}: @TaskClass(\"{}\") on {} is ignored: a task class name is not empty and has no"
                            + " dots, which payloads reserve for Java class names", source.getFileName(), alias,
                            type.getName());
                } else {
                    names.add(alias);
                }
            }
        }
        return Optional.of(new WorkerClass(type.getName(), List.copyOf(names), operations));
    }
}
