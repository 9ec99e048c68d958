package io.taskhost.host.plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What plugins-dir holds, and the routing table built from it. Each rescan looks at every
 * {@code *.jar}: a new or changed file is copied to the cache, vetted and trial-loaded; a removed
 * file stops being routable. A replacement that fails leaves the file's previous good version
 * serving. Tasks already running keep the cached copy they started with.
 */
public final class PluginCatalog {

    private static final Logger log = LoggerFactory.getLogger(PluginCatalog.class);

    /** A file that changed this recently may still be being written; it waits for a later rescan. */
    private static final Duration QUIET_PERIOD = Duration.ofMillis(400);

    /** {@code changedMillis} is the inode change time, which a chmod or chown moves: a fixed jar is vetted again. */
    private record FileState(long size, long modifiedMillis, long changedMillis) {
    }

    /**
     * @param loaded     the version of this file that passed, if the latest did
     * @param lastGood   when the latest failed, the earlier version of this file that still serves
     */
    private record Seen(FileState state, String sha256, PluginJar loaded, String rejection, PluginJar lastGood) {

        PluginJar serving() {
            return loaded != null ? loaded : lastGood;
        }
    }

    private final Path directory;
    private final JarCache cache;
    private final PluginInspector inspector;
    private final JarVetting vetting;
    private final Clock clock;
    private final Map<Path, Seen> seen = new TreeMap<>();
    private final AtomicReference<RoutingTable> routes = new AtomicReference<>(RoutingTable.empty());
    private final List<Consumer<RoutingTable>> listeners = new ArrayList<>();

    public PluginCatalog(Path directory, Path cacheDirectory, JarVetting vetting, Clock clock) {
        this(directory, new JarCache(cacheDirectory.resolve("jars"), new VerifiedFiles(Clock.systemUTC())),
                new PluginInspector(), vetting, clock);
    }

    PluginCatalog(Path directory, JarCache cache, PluginInspector inspector, JarVetting vetting, Clock clock) {
        this.directory = directory;
        this.cache = cache;
        this.inspector = inspector;
        this.vetting = vetting;
        this.clock = clock;
    }

    public RoutingTable routes() {
        return routes.get();
    }

    public Path directory() {
        return directory;
    }

    /** Called with the new table after every change, on the thread that rescanned. */
    public synchronized void onChange(Consumer<RoutingTable> listener) {
        listeners.add(listener);
    }

    /** Jars in plugins-dir whose latest version could not be loaded, with the reason. */
    public synchronized Map<Path, String> rejected() {
        Map<Path, String> rejected = new TreeMap<>();
        seen.forEach((path, entry) -> {
            if (entry.rejection() != null) {
                rejected.put(path, entry.rejection());
            }
        });
        return rejected;
    }

    /** Rescans until no file is still being written, or {@code limit} has passed: for a start-up. */
    public void rescanSettled(Duration limit) {
        long until = System.nanoTime() + limit.toNanos();
        while (rescan() && System.nanoTime() < until) {
            LockSupport.parkNanos(QUIET_PERIOD.toNanos() / 2);
        }
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
            Seen after = load(file.getKey(), file.getValue(), before == null ? null : before.serving());
            seen.put(file.getKey(), after);
            changed |= before == null || !Objects.equals(before.serving(), after.serving());
        }
        if (changed) {
            publish();
        }
        return deferred;
    }

    private Seen load(Path source, FileState state, PluginJar previous) {
        String sha256 = null;
        try {
            JarCache.CachedJar cached = cache.put(source);
            sha256 = cached.sha256();
            if (previous != null && previous.sha256().equals(sha256)) {
                return new Seen(state, sha256, previous, null, null);
            }
            Optional<String> distrust = vetting.rejection(directory, source, cached.path(), sha256);
            if (distrust.isPresent()) {
                throw new PluginRejectedException(source, distrust.get());
            }
            PluginJar jar = inspector.inspect(source, cached);
            log.info("plugin jar {} loaded: {} sha256 {} with classes {}", source.getFileName(), jar.label(),
                    jar.sha256(), jar.workers().stream().map(w -> w.names() + " " + w.operations().keySet()).toList());
            return new Seen(state, sha256, jar, null, null);
        } catch (PluginRejectedException e) {
            return rejected(state, sha256, e.getMessage(), previous);
        } catch (IOException e) {
            return rejected(state, sha256, source.getFileName() + ": cannot be read or cached: " + e, previous);
        } catch (RuntimeException e) {
            log.error("plugin jar {} could not be inspected", source.getFileName(), e);
            return rejected(state, sha256, source.getFileName() + ": could not be inspected: " + e, previous);
        }
    }

    private static Seen rejected(FileState state, String sha256, String reason, PluginJar previous) {
        if (previous != null) {
            log.error("plugin jar rejected: {}; the previous version {} (sha256 {}) keeps serving", reason,
                    previous.label(), previous.sha256());
        } else {
            log.error("plugin jar rejected: {}", reason);
        }
        return new Seen(state, sha256, null, reason, previous);
    }

    private void publish() {
        List<PluginJar> serving = seen.values().stream().map(Seen::serving).filter(Objects::nonNull).toList();
        RoutingTable table = RoutingTable.of(serving, conflict -> log.warn("plugin conflict: {}", conflict));
        routes.set(table);
        log.info("routing table: {} plugin(s), classes {}", table.plugins().size(), table.classNames());
        for (Consumer<RoutingTable> listener : listeners) {
            try {
                listener.accept(table);
            } catch (RuntimeException e) {
                log.warn("a routing-table listener failed", e);
            }
        }
    }

    /**
     * Makes sure a cached plugin jar holds the content it was loaded with, before a worker JVM uses it: a stat
     * while it is unchanged. A copy that was changed, by a task for instance, is put back from its file in
     * plugins-dir if that file still has the genuine content.
     *
     * @return true if the copy was intact; false if it was changed and is genuine again now, so that a JVM that
     *         may have read the changed copy must not be used
     * @throws IOException if it was changed and cannot be made genuine again; the message says so
     */
    public boolean verifyCachedJar(Path cachedJar) throws IOException {
        if (cache.intact(cachedJar)) {
            return true;
        }
        PluginJar plugin = servingFrom(cachedJar);
        String which = plugin == null ? "an unknown plugin" : "plugin " + plugin.label() + " (" + plugin.source() + ")";
        log.error("the cached jar {} of {} was tampered with: its content no longer has the SHA-256 it is named by;"
                + " those bytes are not run", cachedJar, which);
        if (plugin == null) {
            throw new IOException("the cached jar " + cachedJar + " was tampered with, and no jar in plugins-dir has its"
                    + " content any more; it was not run");
        }
        try {
            boolean restored = cache.restore(cachedJar, plugin.source());
            log.warn("the cached jar {} of {} {}", cachedJar, which,
                    restored ? "was copied again from plugins-dir" : "had already been copied again");
            return false;
        } catch (IOException e) {
            throw new IOException("the cached jar " + cachedJar + " of " + which + " was tampered with, and cannot be"
                    + " copied again from plugins-dir (" + e.getMessage() + "); it was not run", e);
        }
    }

    private synchronized PluginJar servingFrom(Path cachedJar) {
        for (Seen entry : seen.values()) {
            for (PluginJar jar : Arrays.asList(entry.loaded(), entry.lastGood())) {
                if (jar != null && jar.cachedJar().equals(cachedJar)) {
                    return jar;
                }
            }
        }
        return null;
    }

    /** Every jar seen and what became of it. */
    public synchronized CatalogSnapshot snapshot(String host) {
        RoutingTable table = routes.get();
        List<CatalogSnapshot.JarStatus> jars = new ArrayList<>();
        seen.forEach((path, entry) -> {
            String file = path.getFileName().toString();
            if (entry.rejection() != null) {
                PluginJar serving = entry.lastGood();
                jars.add(new CatalogSnapshot.JarStatus(file, entry.sha256(), null, null, CatalogSnapshot.REJECTED,
                        entry.rejection(), serving == null ? null : serving.label() + " sha256 " + serving.sha256(),
                        List.of()));
                return;
            }
            PluginJar jar = entry.loaded();
            boolean active = table.plugins().contains(jar);
            jars.add(new CatalogSnapshot.JarStatus(file, jar.sha256(), jar.id(), jar.version(),
                    active ? CatalogSnapshot.ACTIVE : CatalogSnapshot.SUPERSEDED,
                    active ? null : "a higher version of plugin " + jar.id() + " is active", null, classes(jar)));
        });
        return new CatalogSnapshot(host, clock.millis(), directory.toString(), jars, table.conflicts());
    }

    private static List<CatalogSnapshot.ClassStatus> classes(PluginJar jar) {
        return jar.workers().stream().map(worker -> new CatalogSnapshot.ClassStatus(worker.javaClass(), worker.names(),
                List.copyOf(worker.operations().keySet()), schedules(worker))).toList();
    }

    private static List<String> schedules(WorkerClass worker) {
        List<String> schedules = new ArrayList<>();
        worker.operations().forEach((name, operation) -> {
            var schedule = operation.schedule();
            if (schedule != null) {
                schedules.add(name + ": " + (schedule.cron().isBlank() ? "every " + schedule.every()
                        : "cron " + schedule.cron() + " " + schedule.zone()));
            }
        });
        return schedules;
    }

    private static long changedMillis(Path file) throws IOException {
        try {
            return ((FileTime) Files.getAttribute(file, "unix:ctime")).toMillis();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    private Map<Path, FileState> listJars() {
        Map<Path, FileState> jars = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".jar") || name.startsWith(".")) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        jars.put(file, new FileState(attributes.size(), attributes.lastModifiedTime().toMillis(),
                                changedMillis(file)));
                    }
                } catch (IOException e) {
                    log.warn("cannot read plugin jar {}; skipping it for now", file);
                }
            }
        } catch (IOException e) {
            log.error("cannot list plugins-dir {}: {}; keeping the current plugins", directory, e.toString());
            seen.forEach((path, entry) -> jars.put(path, entry.state()));
        }
        return jars;
    }
}
