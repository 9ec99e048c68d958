package io.taskhost.host.plugins;

import io.taskhost.api.TaskClass;
import io.taskhost.api.TaskWorker;
import io.taskhost.worker.Operations;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
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
        requireReadableJar(source, jar.path());
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
            List<WorkerClass> workers = new ArrayList<>();
            for (Class<? extends TaskWorker> type : manager.getExtensionClasses(TaskWorker.class, pluginId)) {
                describe(source, type).ifPresent(workers::add);
            }
            if (workers.isEmpty()) {
                throw new PluginRejectedException(source, "plugin " + pluginId + " has no usable TaskWorker extensions;"
                        + " check that the classes are annotated with @Extension and that pf4j's annotation processor"
                        + " ran (META-INF/extensions.idx must list them; on JDK 23+ configure annotationProcessorPaths)");
            }
            var descriptor = plugin.getDescriptor();
            return new PluginJar(pluginId, descriptor.getVersion(), jar.sha256(), source, jar.path(), List.copyOf(workers));
        } catch (RuntimeException | LinkageError e) {
            throw new PluginRejectedException(source, "plugin " + pluginId + " failed its trial load: " + e, e);
        } finally {
            manager.unloadPlugin(pluginId);
        }
    }

    private static void requireReadableJar(Path source, Path jar) throws PluginRejectedException {
        try (var zip = new JarFile(jar.toFile())) {
            if (zip.getManifest() == null) {
                throw new PluginRejectedException(source, "has no META-INF/MANIFEST.MF; a plugin jar needs Plugin-Id and"
                        + " Plugin-Version in its manifest");
            }
        } catch (IOException e) {
            throw new PluginRejectedException(source, "is not a valid jar (" + e.getMessage() + "); if it was still"
                    + " being copied, copy it under a temporary name and mv it into plugins-dir", e);
        }
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
        SortedMap<String, String> operations = new TreeMap<>();
        Set<String> overloaded = new LinkedHashSet<>();
        for (Method method : type.getMethods()) {
            if (!Operations.isOperation(method)) {
                continue;
            }
            var problem = Operations.unsupportedSignature(method);
            if (problem.isPresent()) {
                log.warn("{}: {}.{} is skipped: {}", source.getFileName(), type.getName(), method.getName(), problem.get());
            } else if (operations.putIfAbsent(Operations.workerName(method), method.getName()) != null) {
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
            names.addAll(List.of(aliases.value()));
        }
        return Optional.of(new WorkerClass(type.getName(), List.copyOf(names), operations));
    }
}
