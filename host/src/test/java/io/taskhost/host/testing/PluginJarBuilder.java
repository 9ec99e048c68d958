package io.taskhost.host.testing;

import io.taskhost.api.TaskWorker;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.pf4j.ExtensionPoint;

/**
 * Builds a real plugin jar during a test, the way a plugin author's build does: javac with pf4j's
 * annotation processor named explicitly, and a manifest with Plugin-Id and Plugin-Version.
 */
public final class PluginJarBuilder {

    private final String pluginId;
    private final String version;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private boolean indexExtensions = true;
    private final java.util.Set<String> leftOut = new java.util.HashSet<>();
    private final Map<String, String> manifestAttributes = new LinkedHashMap<>();

    private PluginJarBuilder(String pluginId, String version) {
        this.pluginId = pluginId;
        this.version = version;
    }

    public static PluginJarBuilder plugin(String pluginId, String version) {
        return new PluginJarBuilder(pluginId, version);
    }

    /** Adds a source file; {@code className} is fully qualified. */
    public PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Compiles without pf4j's annotation processor, as a misconfigured build on JDK 23+ does. */
    public PluginJarBuilder withoutExtensionIndex() {
        indexExtensions = false;
        return this;
    }

    /** Compiles {@code className} but leaves it out of the jar, as a forgotten dependency would be. */
    public PluginJarBuilder leaveOut(String className) {
        leftOut.add(className.replace('.', '/') + ".class");
        return this;
    }

    /** Adds a main attribute to the manifest, such as a {@code Plugin-Class} that taskhost must ignore. */
    public PluginJarBuilder manifestAttribute(String name, String value) {
        manifestAttributes.put(name, value);
        return this;
    }

    /** Builds the jar and moves it into {@code directory} under {@code fileName}, atomically. */
    public Path buildInto(Path directory, String fileName) {
        try {
            Path work = Files.createTempDirectory("plugin-build-");
            Path jar = build(work);
            return Files.move(jar, directory.resolve(fileName), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path build(Path work) throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of(
                "--release", "17",
                "-classpath", locationOf(TaskWorker.class) + File.pathSeparator + locationOf(ExtensionPoint.class),
                "-d", classes.toString()));
        if (indexExtensions) {
            arguments.addAll(List.of(
                    "-processorpath", locationOf(ExtensionPoint.class) + File.pathSeparator + locationOf(org.slf4j.Logger.class),
                    "-processor", "org.pf4j.processor.ExtensionAnnotationProcessor"));
        } else {
            arguments.add("-proc:none");
        }
        for (var source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("javac failed for plugin " + pluginId + " (exit " + status + ")");
        }
        Path jar = work.resolve(pluginId + "-" + version + ".jar");
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Plugin-Id", pluginId);
        manifest.getMainAttributes().putValue("Plugin-Version", version);
        manifestAttributes.forEach(manifest.getMainAttributes()::putValue);
        try (OutputStream out = Files.newOutputStream(jar); var jarOut = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                if (leftOut.contains(classes.relativize(file).toString().replace(File.separatorChar, '/'))) {
                    continue;
                }
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    private static String locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
