package io.taskhost.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.plugins.CatalogSnapshot;
import io.taskhost.host.plugins.JarVetting;
import io.taskhost.host.plugins.PluginCatalog;
import io.taskhost.host.queue.QueueKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code taskhost plugins}: every jar each live host has seen, with its status, classes and
 * operations, as the hosts published it; or, with {@code --dir}, what a host would make of a
 * directory, without Redis. File names, ids, versions, classes and reasons are a jar's to
 * choose, so their control characters are escaped.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every plugin jar the hosts have seen: id, version, file, SHA-256, status (active,"
                + " superseded, or rejected with the reason), and each class with its operations.",
        footerHeading = "%nExit codes:%n",
        footer = "  0  done%n  1  no host has published its plugins (none running on this queue)%n"
                + "  2  usage error%n  3  Redis unreachable or failing")
final class PluginsCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(5);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the snapshots as a JSON array.")
    boolean json;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Inspect this directory here and now instead of asking the running hosts.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<CatalogSnapshot> snapshots;
        if (dir != null) {
            snapshots = List.of(inspect(dir));
        } else {
            try (UnifiedJedis redis = connection.connect()) {
                snapshots = published(redis, connection.keys());
            } catch (JedisException e) {
                return connection.redisFailed(e, err);
            }
            if (snapshots.isEmpty()) {
                err.println("no host on queue " + connection.keys().queue() + " has published its plugins;"
                        + " is a host running? (taskhost plugins --dir DIR inspects a directory without one)");
                return 1;
            }
        }
        if (json) {
            out.println(PrintableJson.of(MAPPER, snapshots));
        } else {
            snapshots.forEach(snapshot -> print(snapshot, out));
        }
        return 0;
    }

    private static List<CatalogSnapshot> published(UnifiedJedis redis, QueueKeys keys) throws IOException {
        List<CatalogSnapshot> snapshots = new ArrayList<>();
        for (String host : new java.util.TreeSet<>(redis.hkeys(keys.hosts()))) {
            String json = redis.get(keys.plugins(host));
            if (json != null) {
                snapshots.add(MAPPER.readValue(json, CatalogSnapshot.class));
            }
        }
        return snapshots;
    }

    private static CatalogSnapshot inspect(Path dir) throws IOException {
        try (var cache = TemporaryDirectory.create("taskhost-plugins-")) {
            var catalog = new PluginCatalog(dir, cache.path(), JarVetting.TRUST_ALL, Clock.systemUTC());
            catalog.rescanSettled(SETTLE);
            return catalog.snapshot("(this machine, --dir)");
        }
    }

    private static void print(CatalogSnapshot snapshot, PrintWriter out) {
        line(out, "host %s, plugins-dir %s, as of %s", snapshot.host(), snapshot.directory(),
                Instant.ofEpochMilli(snapshot.takenAt()));
        if (snapshot.jars() == null || snapshot.jars().isEmpty()) {
            out.println("  (no jars)");
        } else {
            for (CatalogSnapshot.JarStatus jar : snapshot.jars()) {
                line(out, "  %-10s %s%s  sha256 %s", jar.status(), jar.file(),
                        jar.id() == null ? "" : "  " + jar.id() + " " + jar.version(),
                        jar.sha256() == null ? "-" : jar.sha256());
                if (jar.reason() != null) {
                    line(out, "             %s", jar.reason());
                }
                if (jar.serving() != null) {
                    line(out, "             still serving the previous version: %s", jar.serving());
                }
                if (jar.classes() != null) {
                    for (CatalogSnapshot.ClassStatus type : jar.classes()) {
                        line(out, "             %s as %s: %s", type.javaClass(), String.join(", ", type.names()),
                                type.operations().isEmpty() ? "(no operations)" : String.join(", ", type.operations()));
                    }
                }
            }
        }
        if (snapshot.conflicts() != null) {
            snapshot.conflicts().forEach(conflict -> line(out, "  conflict: %s", conflict));
        }
        out.println();
    }

    /** One line, whatever line breaks or escape sequences the jar put into its names. */
    private static void line(PrintWriter out, String format, Object... args) {
        out.println(ControlCharacters.escape(String.format(format, args)));
    }
}
