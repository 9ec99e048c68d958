package io.taskhost.host.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;

/**
 * Which TaskWorker answers each payload {@code class}: the only code a payload can reach.
 * Immutable; the catalog publishes a new table when plugins-dir changes.
 */
public final class RoutingTable {

    private static final VersionManager VERSIONS = new DefaultVersionManager();

    private final Map<String, Route> routes;
    private final List<PluginJar> plugins;
    private final List<String> conflicts;

    private RoutingTable(Map<String, Route> routes, List<PluginJar> plugins, List<String> conflicts) {
        this.routes = routes;
        this.plugins = plugins;
        this.conflicts = conflicts;
    }

    public static RoutingTable empty() {
        return new RoutingTable(Map.of(), List.of(), List.of());
    }

    /**
     * Builds the table from the jars that loaded. Of two jars with one plugin id, the higher
     * Plugin-Version wins, then the later file name. Of two plugins that claim one {@code class}
     * name, the plugin id that sorts first wins. Each such choice is reported to {@code conflicts}.
     */
    static RoutingTable of(Collection<PluginJar> loaded, Consumer<String> onConflict) {
        List<String> conflicts = new ArrayList<>();
        Consumer<String> report = conflict -> {
            conflicts.add(conflict);
            onConflict.accept(conflict);
        };
        Map<String, PluginJar> byId = new TreeMap<>();
        for (PluginJar jar : loaded) {
            byId.merge(jar.id(), jar, (a, b) -> {
                PluginJar winner = newer(a, b);
                PluginJar loser = winner == a ? b : a;
                report.accept("plugin " + jar.id() + ": " + winner.source().getFileName() + " (" + winner.version()
                        + ") supersedes " + loser.source().getFileName() + " (" + loser.version() + ")");
                return winner;
            });
        }
        Map<String, Route> routes = new LinkedHashMap<>();
        for (PluginJar jar : byId.values()) {
            for (WorkerClass worker : jar.workers()) {
                for (String name : worker.names()) {
                    Route existing = routes.putIfAbsent(name, new Route(jar, worker));
                    if (existing != null) {
                        report.accept("class name " + name + " is claimed by " + existing.plugin().source().getFileName()
                                + " and " + jar.source().getFileName() + "; " + existing.plugin().id() + " keeps it");
                    }
                }
            }
        }
        return new RoutingTable(Map.copyOf(routes), List.copyOf(byId.values()), List.copyOf(conflicts));
    }

    private static PluginJar newer(PluginJar a, PluginJar b) {
        int byVersion = VERSIONS.compareVersions(a.version(), b.version());
        if (byVersion != 0) {
            return byVersion > 0 ? a : b;
        }
        return Comparator.comparing((PluginJar jar) -> jar.source().getFileName().toString()).compare(a, b) >= 0 ? a : b;
    }

    public Optional<Route> route(String taskClass) {
        return Optional.ofNullable(routes.get(taskClass));
    }

    public SortedSet<String> classNames() {
        return new TreeSet<>(routes.keySet());
    }

    /** How each clash between two jars or two plugins was settled. */
    public List<String> conflicts() {
        return conflicts;
    }

    /** The active plugins, one per plugin id. */
    public List<PluginJar> plugins() {
        return new ArrayList<>(plugins);
    }
}
