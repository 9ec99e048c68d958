package io.taskhost.worker;

import io.taskhost.api.TaskClass;
import io.taskhost.api.TaskOptions;
import io.taskhost.api.TaskSchedule;
import io.taskhost.api.TaskWorker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what a plugin offers without running any of its code, for the host and the testkit alike, so that
 * both route a payload the same way. The manifest gives the plugin's id and version; pf4j's extension index
 * lists its TaskWorker classes, and when it lists none, the jar's classes are scanned for them. Classes are
 * loaded as a worker JVM loads them (the runtime's class path first, then the plugin) and never initialised,
 * and their annotations are read from their class files, since reflection would initialise the enums and
 * annotation interfaces they name. A {@code Plugin-Class} is never loaded: taskhost does not start plugins.
 */
public final class PluginReader {

    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");
    private static final Set<Class<?>> ANNOTATIONS = Set.of(TaskOptions.class, TaskClass.class, TaskSchedule.class);

    /**
     * A plugin's manifest entries.
     *
     * @param id          {@code Plugin-Id}; null only for a classes directory
     * @param version     {@code Plugin-Version}; null only for a classes directory
     * @param pluginClass {@code Plugin-Class}, which taskhost ignores; null if absent
     */
    public record Descriptor(String id, String version, String pluginClass) {
    }

    /**
     * What a plugin offers.
     *
     * @param indexed  whether the plugin has an extension index
     * @param workers  its usable TaskWorker classes
     * @param warnings what the plugin's author should fix, one sentence each; nothing here stops the plugin
     */
    public record Contents(Descriptor descriptor, boolean indexed, List<Worker> workers, List<String> warnings) {
    }

    /**
     * A usable TaskWorker class.
     *
     * @param names      the payload {@code class} values it answers to: its simple name, then its aliases
     * @param operations worker name (without {@code _task_}) to the operation
     * @param skipped    worker name to why its {@code _task_} method cannot be called
     */
    public record Worker(String javaClass, List<String> names, SortedMap<String, Operation> operations,
                         SortedMap<String, String> skipped) {
    }

    /**
     * An operation and its {@code @TaskOptions}, the method's over the class's; null where neither sets it.
     *
     * @param maxHeap  as {@code -Xmx} takes it
     * @param schedule its {@code @TaskSchedule}, as written; null if it has none
     */
    public record Operation(String method, Duration timeout, Integer maxAttempts, String maxHeap,
                            ScheduleDeclaration schedule) {

        public Operation(String method, Duration timeout, Integer maxAttempts, String maxHeap) {
            this(method, timeout, maxAttempts, maxHeap, null);
        }
    }

    /**
     * A {@code @TaskSchedule} as its attributes were written, each at its default when not set: the host
     * checks them, since only it knows cron and time zones.
     */
    public record ScheduleDeclaration(String cron, String zone, String every, String params, String catchUp) {
    }

    private final ClassLoader runtime;

    PluginReader(ClassLoader source, List<Path> runtimeClassPath) {
        this.runtime = new RuntimeView(source, runtimeClassPath);
    }

    /** Reads plugins as the worker JVMs of this JVM's runtime see them. */
    public static PluginReader forThisRuntime() {
        return new PluginReader(PluginReader.class.getClassLoader(), RuntimeClassPath.ofThisJvm());
    }

    /**
     * Reads a plugin jar's manifest.
     *
     * @throws PluginReadException if it is no jar, or lacks Plugin-Id or Plugin-Version
     */
    public static Descriptor descriptor(Path jar) throws PluginReadException {
        Manifest manifest;
        try (var file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
        } catch (IOException e) {
            throw notAJar(e);
        }
        if (manifest == null) {
            throw new PluginReadException("has no META-INF/MANIFEST.MF; " + NEEDS_ID_AND_VERSION);
        }
        Descriptor descriptor = descriptor(manifest);
        if (descriptor.id() == null || descriptor.version() == null) {
            String missing = descriptor.id() == null && descriptor.version() == null ? "Plugin-Id and Plugin-Version"
                    : descriptor.id() == null ? "Plugin-Id" : "Plugin-Version";
            throw new PluginReadException("has no " + missing + " in its manifest; " + NEEDS_ID_AND_VERSION);
        }
        return descriptor;
    }

    private static final String NEEDS_ID_AND_VERSION = "a plugin jar needs both Plugin-Id and Plugin-Version in"
            + " META-INF/MANIFEST.MF: inherit taskhost-plugin-parent, or set them with maven-jar-plugin";

    /**
     * Reads a plugin: a jar as the host loads it, or a classes directory (a manifest is optional there).
     *
     * @param libraries more class path entries the plugin's classes may use, such as those its jar will bundle;
     *                  they are not searched for TaskWorkers
     * @throws PluginReadException if the host would reject the plugin: no valid jar, no Plugin-Id or
     *                             Plugin-Version, an indexed class that does not load, or a TaskWorker whose
     *                             methods do not resolve
     */
    public Contents read(Path plugin, List<Path> libraries) throws PluginReadException {
        boolean directory = Files.isDirectory(plugin);
        Descriptor descriptor = directory ? directoryDescriptor(plugin) : descriptor(plugin);
        Listing listing = directory ? listDirectory(plugin) : listJar(plugin);
        List<String> warnings = new ArrayList<>();
        String pluginClass = descriptor.pluginClass();
        if (pluginClass != null) {
            warnings.add("Plugin-Class " + pluginClass + " is ignored: taskhost never loads or instantiates a"
                    + " plugin class, so its constructor, start() and stop() never run; TaskWorkers need none");
        }
        List<URL> urls = new ArrayList<>();
        urls.add(url(plugin));
        libraries.stream().map(PluginReader::url).forEach(urls::add);
        try (var loader = new URLClassLoader("plugin " + plugin.getFileName(), urls.toArray(URL[]::new), runtime)) {
            var inspection = new Inspection(loader, warnings);
            List<Class<?>> candidates = new ArrayList<>();
            for (String name : listing.index().orElse(List.of())) {
                if (name.equals(pluginClass)) {
                    continue;
                }
                inspection.listed(name).ifPresent(candidates::add);
            }
            if (candidates.isEmpty()) {
                for (String name : listing.classes()) {
                    if (!name.equals(pluginClass)) {
                        inspection.scanned(name).ifPresent(candidates::add);
                    }
                }
                if (!candidates.isEmpty()) {
                    warnings.add(ExtensionIndex.PATH + (listing.index().isPresent() ? " lists no TaskWorker" : " is"
                            + " missing") + ", but scanning the plugin found " + candidates.stream().map(Class::getName)
                            .toList() + "; annotate them with @Extension and run pf4j's annotation processor (on JDK"
                            + " 23+ name it in annotationProcessorPaths)");
                }
            }
            List<Worker> workers = new ArrayList<>();
            for (Class<?> type : candidates) {
                inspection.describe(type).ifPresent(workers::add);
            }
            return new Contents(descriptor, listing.index().isPresent(), List.copyOf(workers), List.copyOf(warnings));
        } catch (IOException e) {
            throw new PluginReadException("cannot be read: " + e, e);
        }
    }

    /** What a plugin's TaskWorkers are made of, loaded by one class loader. */
    private static final class Inspection {

        private final URLClassLoader loader;
        private final List<String> warnings;
        private final Map<Class<?>, ClassFileAnnotations> annotations = new HashMap<>();

        Inspection(URLClassLoader loader, List<String> warnings) {
            this.loader = loader;
            this.warnings = warnings;
        }

        /** A class the extension index lists: the plugin is rejected if it does not load. */
        Optional<Class<?>> listed(String name) throws PluginReadException {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                throw new PluginReadException(ExtensionIndex.PATH + " lists " + name + ", which does not load: " + e, e);
            }
            if (isTaskWorker(type) && type.getClassLoader() != loader) {
                warnings.add(ExtensionIndex.PATH + " lists " + name + ", which is not the plugin's own class; it is"
                        + " skipped");
                return Optional.empty();
            }
            return isTaskWorker(type) ? Optional.of(type) : Optional.empty();
        }

        /** A class found by scanning: skipped if it does not load. */
        Optional<Class<?>> scanned(String name) {
            try {
                Class<?> type = Class.forName(name, false, loader);
                return isTaskWorker(type) && type.getClassLoader() == loader ? Optional.of(type) : Optional.empty();
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                return Optional.empty();
            }
        }

        private static boolean isTaskWorker(Class<?> type) {
            return TaskWorker.class.isAssignableFrom(type) && !type.isInterface();
        }

        Optional<Worker> describe(Class<?> type) throws PluginReadException {
            String name = type.getName();
            if (Modifier.isAbstract(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
                warnings.add(name + " is not a public concrete class; it is skipped");
                return Optional.empty();
            }
            try {
                type.getConstructor();
            } catch (NoSuchMethodException e) {
                warnings.add(name + " has no public no-argument constructor; it is skipped");
                return Optional.empty();
            } catch (LinkageError | RuntimeException e) {
                throw new PluginReadException("TaskWorker " + name + " does not load: " + e, e);
            }
            try {
                return Optional.of(worker(type));
            } catch (LinkageError | RuntimeException e) {
                throw new PluginReadException("TaskWorker " + name + " does not load: " + e, e);
            }
        }

        private Worker worker(Class<?> type) throws PluginReadException {
            String name = type.getName();
            ClassFileAnnotations own = annotationsOf(type);
            Operation classLimits = limits(null, name, own.onClass(TaskOptions.class));
            SortedMap<String, Operation> operations = new TreeMap<>();
            SortedMap<String, String> skipped = new TreeMap<>();
            Set<String> overloaded = new LinkedHashSet<>();
            for (Method method : type.getMethods()) {
                if (!Operations.isOperation(method)) {
                    continue;
                }
                String worker = Operations.workerName(method);
                Optional<String> problem = Operations.unsupportedSignature(method);
                if (problem.isPresent()) {
                    warnings.add(name + "." + method.getName() + " is skipped: " + problem.get());
                    skipped.putIfAbsent(worker, problem.get());
                    continue;
                }
                var options = annotationsOf(method.getDeclaringClass()).onMethod(method.getName(),
                        ClassFileAnnotations.descriptor(method), TaskOptions.class);
                var scheduled = annotationsOf(method.getDeclaringClass()).onMethod(method.getName(),
                        ClassFileAnnotations.descriptor(method), TaskSchedule.class);
                Operation operation = withSchedule(orElse(limits(method.getName(), name + "." + method.getName(),
                        options), classLimits), scheduled);
                if (operations.putIfAbsent(worker, operation) != null) {
                    overloaded.add(worker);
                }
            }
            for (String worker : overloaded) {
                operations.remove(worker);
                skipped.put(worker, "it is declared more than once, and a payload could not choose between the"
                        + " overloads");
                warnings.add(name + " declares " + Operations.METHOD_PREFIX + worker + " more than once; overloads"
                        + " are ambiguous, so it is skipped");
            }
            operations.keySet().forEach(skipped::remove);
            return new Worker(name, names(type, own), Collections.unmodifiableSortedMap(operations),
                    Collections.unmodifiableSortedMap(skipped));
        }

        private List<String> names(Class<?> type, ClassFileAnnotations own) {
            Set<String> names = new LinkedHashSet<>();
            names.add(type.getSimpleName());
            var aliases = own.onClass(TaskClass.class);
            for (String alias : aliases == null ? List.<String>of() : aliases.strings("value")) {
                if (alias.isBlank() || alias.indexOf('.') >= 0) {
                    warnings.add("@TaskClass(\"" + alias + "\") on " + type.getName() + " is ignored: a task class"
                            + " name is not empty and has no dots, which payloads reserve for Java class names");
                } else {
                    names.add(alias);
                }
            }
            return List.copyOf(names);
        }

        /** An attribute that cannot be read is ignored with a warning, so one typo cannot take a plugin down. */
        private Operation limits(String method, String where, ClassFileAnnotations.Values options) {
            if (options == null) {
                return new Operation(method, null, null, null);
            }
            Duration timeout = null;
            String timeoutText = options.string("timeout");
            if (timeoutText != null && !timeoutText.isBlank()) {
                try {
                    timeout = DurationText.parse(timeoutText);
                } catch (IllegalArgumentException e) {
                    warnings.add("@TaskOptions timeout on " + where + " is ignored: " + e.getMessage());
                }
            }
            Integer maxAttempts = options.integer("maxAttempts");
            if (maxAttempts != null && maxAttempts < 0) {
                warnings.add("@TaskOptions maxAttempts " + maxAttempts + " on " + where + " is ignored; a task runs at"
                        + " least once");
            }
            if (maxAttempts != null && maxAttempts <= 0) {
                maxAttempts = null;
            }
            String maxHeap = options.string("maxHeap");
            if (maxHeap != null && !maxHeap.isBlank() && !HEAP.matcher(maxHeap.trim()).matches()) {
                warnings.add("@TaskOptions maxHeap on " + where + " is ignored: '" + maxHeap + "' is not a heap"
                        + " size; use 256m or 2g as -Xmx takes it");
                maxHeap = null;
            }
            maxHeap = maxHeap == null || maxHeap.isBlank() ? null : maxHeap.trim();
            return new Operation(method, timeout, maxAttempts, maxHeap);
        }

        private static Operation withSchedule(Operation operation, ClassFileAnnotations.Values scheduled) {
            if (scheduled == null) {
                return operation;
            }
            return new Operation(operation.method(), operation.timeout(), operation.maxAttempts(), operation.maxHeap(),
                    new ScheduleDeclaration(orDefault(scheduled.string("cron"), ""),
                            orDefault(scheduled.string("zone"), "UTC"), orDefault(scheduled.string("every"), ""),
                            orDefault(scheduled.string("params"), "{}"), orDefault(scheduled.string("catchUp"), "once")));
        }

        /** A class file holds only the attributes that were set, not the annotation's defaults. */
        private static String orDefault(String value, String otherwise) {
            return value == null ? otherwise : value;
        }

        private static Operation orElse(Operation method, Operation type) {
            return new Operation(method.method(),
                    method.timeout() != null ? method.timeout() : type.timeout(),
                    method.maxAttempts() != null ? method.maxAttempts() : type.maxAttempts(),
                    method.maxHeap() != null ? method.maxHeap() : type.maxHeap());
        }

        private ClassFileAnnotations annotationsOf(Class<?> type) throws PluginReadException {
            ClassFileAnnotations known = annotations.get(type);
            if (known != null) {
                return known;
            }
            String resource = type.getName().replace('.', '/') + ".class";
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new PluginReadException("the class file of " + type.getName() + " cannot be found");
                }
                ClassFileAnnotations read = ClassFileAnnotations.read(in.readAllBytes(), ANNOTATIONS);
                annotations.put(type, read);
                return read;
            } catch (IOException e) {
                throw new PluginReadException("the class file of " + type.getName() + " cannot be read: " + e, e);
            }
        }
    }

    /** A plugin's extension index, if it has one, and the names of its classes. */
    private record Listing(Optional<List<String>> index, List<String> classes) {
    }

    private static Listing listJar(Path jar) throws PluginReadException {
        try (var file = new JarFile(jar.toFile())) {
            JarEntry index = file.getJarEntry(ExtensionIndex.PATH);
            Optional<List<String>> names = Optional.empty();
            if (index != null) {
                try (InputStream in = file.getInputStream(index)) {
                    names = Optional.of(ExtensionIndex.read(in));
                }
            }
            return new Listing(names, file.stream().map(JarEntry::getName).map(PluginReader::className)
                    .flatMap(Optional::stream).toList());
        } catch (IOException e) {
            throw notAJar(e);
        }
    }

    private static Listing listDirectory(Path directory) throws PluginReadException {
        try (Stream<Path> files = Files.walk(directory)) {
            Path index = directory.resolve(ExtensionIndex.PATH);
            Optional<List<String>> names = Optional.empty();
            if (Files.isRegularFile(index)) {
                try (InputStream in = Files.newInputStream(index)) {
                    names = Optional.of(ExtensionIndex.read(in));
                }
            }
            return new Listing(names, files.filter(Files::isRegularFile)
                    .map(file -> directory.relativize(file).toString().replace(java.io.File.separatorChar, '/'))
                    .map(PluginReader::className).flatMap(Optional::stream).sorted().toList());
        } catch (IOException | UncheckedIOException e) {
            throw new PluginReadException("cannot be read: " + e, e);
        }
    }

    /** The class an entry holds; none for resources, module-info, package-info and versioned entries. */
    private static Optional<String> className(String entry) {
        if (!entry.endsWith(".class") || entry.contains("-") || entry.startsWith("META-INF/")) {
            return Optional.empty();
        }
        return Optional.of(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
    }

    private static Descriptor directoryDescriptor(Path directory) throws PluginReadException {
        Path file = directory.resolve(JarFile.MANIFEST_NAME);
        if (!Files.isRegularFile(file)) {
            return new Descriptor(null, null, null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return descriptor(new Manifest(in));
        } catch (IOException e) {
            throw new PluginReadException("has a " + JarFile.MANIFEST_NAME + " that cannot be read: " + e, e);
        }
    }

    private static Descriptor descriptor(Manifest manifest) {
        Attributes main = manifest.getMainAttributes();
        return new Descriptor(value(main, "Plugin-Id"), value(main, "Plugin-Version"), value(main, "Plugin-Class"));
    }

    private static String value(Attributes attributes, String name) {
        String value = attributes.getValue(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static PluginReadException notAJar(IOException e) {
        return new PluginReadException("is not a valid jar (" + e.getMessage() + "); if it was still being copied,"
                + " copy it under a temporary name and mv it into plugins-dir", e);
    }

    private static URL url(Path entry) {
        try {
            return entry.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("cannot turn " + entry + " into a URL", e);
        }
    }
}
