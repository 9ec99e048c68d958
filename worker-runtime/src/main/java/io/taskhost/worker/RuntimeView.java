package io.taskhost.worker;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * What a worker JVM's class path shows a plugin ahead of its own jar: the JDK, and the runtime's jars (see
 * {@link RuntimeClassPath}). The classes are those of {@code source}, the loader that holds the runtime in
 * this JVM, so a plugin's TaskWorker implements this JVM's very {@code TaskWorker}; nothing else on that
 * loader's class path shows through, as nothing else is on a worker's. A parent for a plugin's loader.
 */
final class RuntimeView extends ClassLoader {

    private final ClassLoader source;
    private final List<Path> runtime;

    RuntimeView(ClassLoader source, List<Path> runtimeClassPath) {
        super("taskhost worker runtime", ClassLoader.getPlatformClassLoader());
        this.source = source;
        this.runtime = runtimeClassPath.stream().map(entry -> entry.toAbsolutePath().normalize()).toList();
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        URL classFile = source.getResource(name.replace('.', '/') + ".class");
        if (classFile == null || !shown(classFile)) {
            throw new ClassNotFoundException(name);
        }
        return source.loadClass(name);
    }

    @Override
    protected URL findResource(String name) {
        URL resource = source.getResource(name);
        return resource != null && shown(resource) ? resource : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        List<URL> shown = new ArrayList<>();
        for (URL resource : Collections.list(source.getResources(name))) {
            if (shown(resource)) {
                shown.add(resource);
            }
        }
        return Collections.enumeration(shown);
    }

    /** Whether a resource comes from the JDK's image or from an entry of the runtime's class path. */
    private boolean shown(URL resource) {
        try {
            switch (resource.getProtocol()) {
                case "jrt":
                    return true;
                case "jar": {
                    String url = resource.toString();
                    int separator = url.indexOf("!/");
                    return separator > 0 && runtime.contains(Path.of(URI.create(url.substring(4, separator))).toAbsolutePath()
                            .normalize());
                }
                case "file": {
                    Path file = Path.of(resource.toURI()).toAbsolutePath().normalize();
                    return runtime.stream().anyMatch(file::startsWith);
                }
                default:
                    return false;
            }
        } catch (URISyntaxException | RuntimeException e) {
            return false;
        }
    }
}
