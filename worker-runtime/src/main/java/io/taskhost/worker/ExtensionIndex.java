package io.taskhost.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * pf4j's extension index, {@code META-INF/extensions.idx}: the classes its annotation processor found
 * annotated with {@code @Extension}, one per line; a line starting with {@code #} is a comment.
 */
final class ExtensionIndex {

    static final String PATH = "META-INF/extensions.idx";

    private ExtensionIndex() {
    }

    /** The classes of every index on {@code loader}'s class path, in class path order. */
    static List<String> onClassPath(ClassLoader loader) throws IOException {
        List<String> names = new ArrayList<>();
        Enumeration<URL> indexes = loader.getResources(PATH);
        while (indexes.hasMoreElements()) {
            try (InputStream in = indexes.nextElement().openStream()) {
                names.addAll(read(in));
            }
        }
        return names;
    }

    static List<String> read(InputStream index) throws IOException {
        List<String> names = new ArrayList<>();
        var lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            String name = line.trim();
            if (!name.isEmpty() && !name.startsWith("#")) {
                names.add(name);
            }
        }
        return names;
    }
}
