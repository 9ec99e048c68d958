package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.limits.RunLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    private static PluginJar jar(String id, String version, String file, String javaClass, String... names) {
        var operations = new TreeMap<String, WorkerClass.Operation>();
        operations.put("run", new WorkerClass.Operation("_task_run", RunLimits.NONE));
        var worker = new WorkerClass(javaClass, List.of(names), operations);
        return new PluginJar(id, version, "sha-" + file, Path.of(file), Path.of("/cache/" + file), List.of(worker));
    }

    @Test
    void theHighestVersionOfAPluginWinsWhateverTheOrder() {
        List<String> conflicts = new ArrayList<>();
        PluginJar old = jar("mail", "1.2.0", "mail-old.jar", "a.Mail", "Mail");
        PluginJar current = jar("mail", "1.10.0", "mail-new.jar", "a.Mail", "Mail");
        assertEquals("1.10.0", RoutingTable.of(List.of(old, current), conflicts::add).route("Mail").orElseThrow()
                .plugin().version());
        assertEquals("1.10.0", RoutingTable.of(List.of(current, old), conflicts::add).route("Mail").orElseThrow()
                .plugin().version());
        assertTrue(conflicts.get(0).contains("mail-new.jar (1.10.0) supersedes mail-old.jar (1.2.0)"), conflicts.get(0));
    }

    @Test
    void aClassNameClaimedTwiceGoesToThePluginIdThatSortsFirstAndIsReported() {
        List<String> conflicts = new ArrayList<>();
        PluginJar alpha = jar("alpha", "1.0.0", "alpha.jar", "a.Tasks", "TaskproModel");
        PluginJar beta = jar("beta", "1.0.0", "beta.jar", "b.Tasks", "TaskproModel");
        RoutingTable table = RoutingTable.of(List.of(beta, alpha), conflicts::add);
        assertEquals("alpha", table.route("TaskproModel").orElseThrow().plugin().id());
        assertEquals(1, conflicts.size());
        assertTrue(conflicts.get(0).contains("alpha.jar") && conflicts.get(0).contains("beta.jar"));
    }

    @Test
    void onlyDiscoveredNamesRoute() {
        RoutingTable table = RoutingTable.of(List.of(jar("a", "1.0.0", "a.jar", "a.Tasks", "Tasks")), c -> { });
        assertTrue(table.route("java.lang.Runtime").isEmpty());
        assertTrue(table.route("a.Tasks").isEmpty(), "a fully qualified name is not a route");
        assertTrue(table.route("Tasks").isPresent());
    }
}
