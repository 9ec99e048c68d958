package io.taskhost.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.worker.PluginReader;
import io.taskhost.worker.RuntimeClassPath;
import io.taskhost.worker.TaskAssignment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Runs the operations of one plugin the way taskhost runs them. A task names a TaskWorker by
 * its simple class name or a {@code @TaskClass} alias, among the classes the plugin's
 * {@code META-INF/extensions.idx} lists, and an operation by its name without {@code _task_};
 * the outcome is what the host would record.
 *
 * <pre>{@code
 * try (PluginTasks tasks = PluginTasks.forked(Path.of("target/classes"))) {
 *     tasks.run("MailTasks", "send_welcome_mail", "{\"user_id\":42}").assertPassed();
 * }
 * }</pre>
 *
 * <p>In a JUnit test, {@link PluginTest @PluginTest} hands one to the test methods.
 */
public final class PluginTasks implements AutoCloseable {

    /**
     * The time limit of an operation without {@code @TaskOptions(timeout)}: shorter than the
     * host's 30 minutes, so that a hanging test fails soon.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private final Routes routes;
    private final TaskRunner runner;
    private final ObjectMapper mapper;

    PluginTasks(Routes routes, TaskRunner runner, ObjectMapper mapper) {
        this.routes = routes;
        this.runner = runner;
        this.mapper = mapper;
    }

    /**
     * Runs each task in a new worker JVM, as the host does: the same runtime, parameter binding,
     * report, limits ({@code @TaskOptions} timeout and heap) and minimal environment. The worker's
     * class path is the runtime from the test's class path, then the plugin.
     *
     * @param plugin the plugin's jar, or its classes directory ({@code target/classes}); with
     *               taskhost-plugin-parent, the libraries the jar will bundle join the classes
     * @throws IllegalArgumentException if there is no plugin there, or a jar lacks its manifest entries
     * @throws IllegalStateException    if a TaskWorker the plugin lists cannot be loaded
     */
    public static PluginTasks forked(Path plugin) {
        PluginLocation location = PluginLocation.of(plugin);
        ObjectMapper mapper = newMapper();
        List<Path> classPath = new ArrayList<>(RuntimeClassPath.ofThisJvm());
        classPath.addAll(location.classPath());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        return new PluginTasks(routes(location), new ForkedRunner(java, classPath, workDir, mapper), mapper);
    }

    /**
     * Runs each task in the test's own JVM, through the same parameter binding and report, for
     * speed. Nothing limits time or heap, output goes to the test's own streams, and an operation
     * that calls {@code System.exit} ends the test run: use {@link #forked} for those.
     *
     * @param plugin the plugin's jar, or its classes directory
     * @throws IllegalArgumentException if there is no plugin there, or a jar lacks its manifest entries
     * @throws IllegalStateException    if a TaskWorker the plugin lists cannot be loaded
     */
    public static PluginTasks inProcess(Path plugin) {
        PluginLocation location = PluginLocation.of(plugin);
        Routes routes = routes(location);
        var loader = location.newClassLoader(PluginTasks.class.getClassLoader());
        return new PluginTasks(routes, new InProcessRunner(loader, newMapper()), newMapper());
    }

    /** Runs an operation that takes no params, as a payload without {@code params} does. */
    public TaskOutcome run(String taskClass, String worker) {
        return dispatch(taskClass, worker, Optional.empty());
    }

    /**
     * Runs an operation as the payload {@code {"class": taskClass, "worker": worker, "params": paramsJson}}
     * would, as the first attempt of a new task. A class or an operation the plugin does not
     * provide gives a failed outcome ({@code unknown_class}, {@code unknown_operation}) whose
     * reason lists what there is.
     *
     * @param paramsJson the params as JSON text, such as {@code {"user_id":42}}
     * @throws IllegalArgumentException if {@code paramsJson} is not JSON
     */
    public TaskOutcome run(String taskClass, String worker, String paramsJson) {
        try {
            return dispatch(taskClass, worker, Optional.of(mapper.readTree(paramsJson)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("params are not JSON: " + paramsJson, e);
        }
    }

    /**
     * Every payload {@code class} this plugin answers to, with the operations each offers (without
     * {@code _task_}): what the host would route to it.
     */
    public SortedMap<String, SortedSet<String>> taskClasses() {
        SortedMap<String, SortedSet<String>> classes = new TreeMap<>();
        for (String name : routes.classNames()) {
            classes.put(name, Collections.unmodifiableSortedSet(
                    new TreeSet<>(routes.route(name).orElseThrow().operations().keySet())));
        }
        return Collections.unmodifiableSortedMap(classes);
    }

    /** Releases the plugin's classes; a forked runner holds nothing between tasks. */
    @Override
    public void close() {
        runner.close();
    }

    private TaskOutcome dispatch(String taskClass, String worker, Optional<JsonNode> params) {
        var route = routes.route(taskClass);
        if (route.isEmpty()) {
            return Reports.failed(taskClass, worker, "unknown_class", routes.unknownClass(taskClass), List.of());
        }
        Routes.Operation operation = route.get().operations().get(worker);
        if (operation == null) {
            return Reports.failed(taskClass, worker, "unknown_operation", Routes.unknownOperation(route.get(), worker),
                    List.of());
        }
        var task = new TaskAssignment("testkit-" + UUID.randomUUID(), 1, taskClass, worker, route.get().javaClass(),
                operation.method(), params.orElse(null), System.currentTimeMillis() + operation.timeout().toMillis(),
                null);
        return runner.run(task, operation);
    }

    private static Routes routes(PluginLocation location) {
        return Routes.of(location, PluginReader.forThisRuntime(), DEFAULT_TIMEOUT, System.err);
    }

    private static ObjectMapper newMapper() {
        return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
