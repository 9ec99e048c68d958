package io.taskhost.host.plugins;

import io.taskhost.host.limits.RunLimits;
import io.taskhost.worker.PluginReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/** Routing tables for tests of what consumes routes, without jars or a catalog. */
public final class TestRoutes {

    private TestRoutes() {
    }

    /** A table in which each of {@code taskClasses} routes to a plugin of its own with one operation, {@code run}. */
    public static RoutingTable providing(String... taskClasses) {
        List<PluginJar> jars = new ArrayList<>();
        for (String taskClass : taskClasses) {
            var operations = new TreeMap<String, WorkerClass.Operation>();
            operations.put("run", new WorkerClass.Operation("_task_run", RunLimits.NONE));
            String id = taskClass.toLowerCase(Locale.ROOT);
            jars.add(new PluginJar(id, "1.0.0", "sha-" + id, Path.of(id + ".jar"), Path.of("/cache/" + id + ".jar"),
                    List.of(new WorkerClass("test." + taskClass, List.of(taskClass), operations))));
        }
        return RoutingTable.of(jars, conflict -> { });
    }

    /**
     * A table with plugin {@code id} at {@code version}, whose class {@code taskClass} has one operation per
     * declaration, {@code op0}, {@code op1} and so on, each with that {@code @TaskSchedule}.
     */
    public static RoutingTable scheduled(String id, String version, String taskClass,
                                         PluginReader.ScheduleDeclaration... declarations) {
        var operations = new TreeMap<String, WorkerClass.Operation>();
        for (int i = 0; i < declarations.length; i++) {
            operations.put("op" + i, new WorkerClass.Operation("_task_op" + i, RunLimits.NONE, declarations[i]));
        }
        var jar = new PluginJar(id, version, "sha-" + id + version, Path.of(id + ".jar"),
                Path.of("/cache/" + id + version + ".jar"),
                List.of(new WorkerClass("test." + taskClass, List.of(taskClass), operations)));
        return RoutingTable.of(List.of(jar), conflict -> { });
    }
}
