package io.taskhost.host.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What plugins-dir holds, and the routing table built from it. Each rescan looks at every
 * {@code *.jar}: a new or changed file is copied to the cache and trial-loaded; a removed file
 * stops being routable. Tasks already running keep the cached copy they started with.
 */
public final class PluginCatalog {

    private static final Logger log = LoggerFactory.getLogger(PluginCatalog.class);

    /** A file that changed this recently may still be being written; it waits for a later rescan. */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(400);

    private record FileState(long size, long modifiedMillis) {
    }

    private record Seen(FileState state, PluginJar loaded, String rejection) {
    }

    private final Path directory;
    private final JarCache cache;
    private final PluginInspector inspector;
    private final Clock clock;
    private final Map<Path, Seen> seen = new HashMap<>();
    private final AtomicReference<RoutingTable> routes = new AtomicReference<>(RoutingTable.empty());

    public PluginCatalog(Path directory, Path cacheDirectory, Clock clock) {
        this(directory, new JarCache(cacheDirectory.resolve("jars")), new PluginInspector(), clock);
    }

    PluginCatalog(Path directory, JarCache cache, PluginInspector inspector, Clock clock) {
        this.directory = directory;
        this.cache = cache;
        this.inspector = inspector;
        this.clock = clock;
    }

    public RoutingTable routes() {
        return routes.get();
    }

    public Path directory() {
        return directory;
    }

    /** Jars in plugins-dir that could not be loaded, with the reason. */
    public synchronized Map<Path, String> rejected() {
        Map<Path, String> rejected = new TreeMap<>();
        seen.forEach((path, entry) -> {
            if (entry.rejection() != null) {
                rejected.put(path, entry.rejection());
            }
        });
        return rejected;
    }

    /**
     * Brings the routing table up to date with plugins-dir.
     *
     * @return true if some file was too fresh to load and needs another rescan soon
     */
    public synchronized boolean rescan() {
        Map<Path, FileState> present = listJars();
        boolean changed = seen.keySet().removeIf(path -> {
            if (present.containsKey(path)) {
                return false;
            }
            log.info("plugin jar {} was removed; it is no longer routable", path.getFileName());
            return true;
        });
        boolean deferred = false;
        long now = clock.millis();
        for (var file : present.entrySet()) {
            Seen before = seen.get(file.getKey());
            if (before != null && before.state().equals(file.getValue())) {
                continue;
            }
            if (now - file.getValue().modifiedMillis() < QUIET_PERIOD.toMillis()) {
                deferred = true;
                continue;
            }
            seen.put(file.getKey(), load(file.getKey(), file.getValue()));
            changed = true;
        }
        if (changed) {
            publish();
        }
        return deferred;
    }

    private Seen load(Path source, FileState state) {
        try {
            PluginJar jar = inspector.inspect(source, cache.put(source));
            log.info("plugin jar {} loaded: {} sha256 {} with classes {}", source.getFileName(), jar.label(),
                    jar.sha256(), jar.workers().stream().map(w -> w.names() + " " + w.operations().keySet()).toList());
            return new Seen(state, jar, null);
        } catch (PluginRejectedException e) {
            log.error("plugin jar rejected: {}", e.getMessage());
            return new Seen(state, null, e.getMessage());
        } catch (IOException e) {
            log.error("plugin jar {} could not be read or cached: {}", source.getFileName(), e.toString());
            return new Seen(state, null, e.toString());
        } catch (RuntimeException e) {
            log.error("plugin jar {} could not be inspected", source.getFileName(), e);
            return new Seen(state, null, e.toString());
        }
    }

    private void publish() {
        List<PluginJar> loaded = seen.values().stream().map(Seen::loaded).filter(jar -> jar != null).toList();
        RoutingTable table = RoutingTable.of(loaded, conflict -> log.warn("plugin conflict: {}", conflict));
        routes.set(table);
        log.info("routing table: {} plugin(s), classes {}", table.plugins().size(), table.classNames());
    }

    private Map<Path, FileState> listJars() {
        Map<Path, FileState> jars = new HashMap<>();
        Set<Path> unreadable = new HashSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".jar") || name.startsWith(".")) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        jars.put(file, new FileState(attributes.size(), attributes.lastModifiedTime().toMillis()));
                    }
                } catch (IOException e) {
                    unreadable.add(file);
                }
            }
        } catch (IOException e) {
            log.error("cannot list plugins-dir {}: {}; keeping the current plugins", directory, e.toString());
            seen.keySet().forEach(path -> jars.put(path, seen.get(path).state()));
        }
        unreadable.forEach(file -> log.warn("cannot read plugin jar {}; skipping it for now", file));
        return jars;
    }
}
