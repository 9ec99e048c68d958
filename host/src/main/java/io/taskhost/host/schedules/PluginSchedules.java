package io.taskhost.host.schedules;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhost.host.plugins.PluginJar;
import io.taskhost.host.plugins.Route;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.plugins.WorkerClass;
import io.taskhost.worker.PluginReader.ScheduleDeclaration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedules the active plugins declare with {@code @TaskSchedule}, read from the routing table: a jar
 * that is dropped in adds its schedules, a removed or superseded one takes them away. Each is named
 * {@code <plugin id>:<class>#<operation>}, the same across the plugin's versions, so that an upgrade does not
 * run an occurrence again. A declaration the host cannot read is skipped with one warning per jar.
 */
final class PluginSchedules {

    private static final Logger log = LoggerFactory.getLogger(PluginSchedules.class);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private RoutingTable readFrom;
    private List<Schedule> read = List.of();

    /** The schedules of {@code table}; read again only when the table changed. */
    synchronized List<Schedule> of(RoutingTable table) {
        if (table != readFrom) {
            read = read(table);
            readFrom = table;
        }
        return read;
    }

    private List<Schedule> read(RoutingTable table) {
        List<Schedule> schedules = new ArrayList<>();
        for (PluginJar jar : table.plugins()) {
            for (WorkerClass worker : jar.workers()) {
                worker.operations().forEach((operation, declared) -> {
                    if (declared.schedule() != null) {
                        schedule(table, jar, worker, operation, declared.schedule()).ifPresent(schedules::add);
                    }
                });
            }
        }
        return List.copyOf(schedules);
    }

    private Optional<Schedule> schedule(RoutingTable table, PluginJar jar, WorkerClass worker, String operation,
                                        ScheduleDeclaration declared) {
        String taskClass = worker.names().get(0);
        String where = "@TaskSchedule on " + worker.javaClass() + "._task_" + operation + " in " + jar.label();
        Optional<Route> route = table.route(taskClass);
        if (route.isEmpty() || route.get().plugin() != jar || route.get().worker() != worker) {
            warnOnce(jar, operation, where + " is ignored: class " + taskClass + " routes to another plugin");
            return Optional.empty();
        }
        try {
            boolean hasCron = !declared.cron().isBlank();
            boolean hasEvery = !declared.every().isBlank();
            if (hasCron == hasEvery) {
                throw new IllegalArgumentException("set exactly one of cron and every");
            }
            Recurrence recurrence = hasCron ? Recurrence.cron(declared.cron(), declared.zone())
                    : Recurrence.every(declared.every());
            ObjectNode payload = JsonNodeFactory.instance.objectNode();
            payload.put("worker", operation);
            payload.put("class", taskClass);
            payload.set("params", paramsOf(declared.params()));
            String name = jar.id() + ":" + taskClass + "#" + operation;
            return Optional.of(new Schedule(name, "plugin " + jar.label() + " (" + jar.source().getFileName() + ")",
                    recurrence, payload, Optional.empty(), CatchUp.parse(declared.catchUp())));
        } catch (IllegalArgumentException e) {
            warnOnce(jar, operation, where + " is ignored: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static ObjectNode paramsOf(String params) {
        if (!(Schedule.json(params) instanceof ObjectNode object)) {
            throw new IllegalArgumentException("params must be a JSON object, such as {\"kind\":\"daily\"}");
        }
        return object;
    }

    private void warnOnce(PluginJar jar, String operation, String warning) {
        if (warned.add(jar.sha256() + "#" + operation)) {
            log.warn("{}", warning);
        }
    }
}
