package io.taskhost.testkit;

import io.taskhost.worker.PluginReadException;
import io.taskhost.worker.PluginReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plugin under test: a jar as the host loads it, or a classes directory together with the
 * libraries its jar will bundle.
 */
final class PluginLocation {

    /** Set by taskhost-plugin-parent: a file holding the class path of the libraries the jar bundles. */
    static final String LIBRARIES_FILE_PROPERTY = "taskhost.testkit.libraries-file";

    private final Path path;
    private final List<Path> libraries;

    PluginLocation(Path path, List<Path> libraries) {
        this.path = path;
        this.libraries = List.copyOf(libraries);
    }

    /**
     * @throws IllegalArgumentException if {@code path} is neither a directory nor a jar the host would load
     */
    static PluginLocation of(Path path) {
        Path plugin = path.toAbsolutePath().normalize();
        if (Files.isDirectory(plugin)) {
            return new PluginLocation(plugin, librariesOf(plugin));
        }
        if (!Files.isRegularFile(plugin)) {
            throw new IllegalArgumentException("no plugin at " + plugin + "; give its jar or its classes directory"
                    + " (build it first: mvn package, or mvn test-compile for target/classes)");
        }
        checkManifest(plugin);
        return new PluginLocation(plugin, List.of());
    }

    Path path() {
        return path;
    }

    /** What the plugin's classes may use besides themselves: the libraries its jar will bundle. */
    List<Path> libraries() {
        return libraries;
    }

    /** The plugin's part of a worker's class path: the jar, or the classes and their libraries. */
    List<Path> classPath() {
        List<Path> entries = new ArrayList<>();
        entries.add(path);
        entries.addAll(libraries);
        return entries;
    }

    /** A loader that sees the plugin's classes, its parent the plugin API's and the runtime's. */
    URLClassLoader newClassLoader(ClassLoader parent) {
        URL[] urls = classPath().stream().map(PluginLocation::toUrl).toArray(URL[]::new);
        return new URLClassLoader("plugin " + path.getFileName(), urls, parent);
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static void checkManifest(Path jar) {
        try {
            PluginReader.descriptor(jar);
        } catch (PluginReadException e) {
            throw new IllegalArgumentException(jar + " " + e.getMessage() + "; the host would reject it", e);
        }
    }

    /**
     * The libraries file describes the project under test, so it applies only to that project's
     * own classes directory, a sibling of the file in {@code target/}.
     */
    private static List<Path> librariesOf(Path classes) {
        String property = System.getProperty(LIBRARIES_FILE_PROPERTY);
        if (property == null) {
            return List.of();
        }
        Path file = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !file.getParent().equals(classes.getParent())) {
            return List.of();
        }
        try {
            return Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
                    .filter(entry -> !entry.isBlank())
                    .map(Path::of)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static URL toUrl(Path entry) {
        try {
            return entry.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("cannot turn " + entry + " into a URL", e);
        }
    }
}
