package io.taskhost.host.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.sandbox.WorkerLimits;
import io.taskhost.worker.ProcessGroups;
import io.taskhost.worker.TaskAssignment;
import io.taskhost.worker.WorkerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Real worker JVMs of the fixtures plugin, started by {@link WorkerJvm#start} as the launcher starts them, in
 * scratch directories and process groups of their own; closing it stops every JVM it started and starts no more.
 */
final class FixtureWorkers implements AutoCloseable {

    static final String FIXTURES = "io.taskhost.examples.fixtures.Fixtures";
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    final WorkerScratch scratch;
    private final ProcessGroups groups = ProcessGroups.ofThisPlatform();
    private final WorkerClasspath classpath = WorkerClasspath.ofHost();
    private final List<WorkerJvm> started = new ArrayList<>();
    private boolean closed;

    FixtureWorkers(Path temp) throws IOException {
        this.scratch = WorkerScratch.create(temp.resolve("scratch"));
    }

    /** The fixtures jar the build put in plugins-dir. */
    static Path fixturesJar() {
        return TestHosts.builtPluginsDir().resolve("fixtures.jar").toAbsolutePath();
    }

    /** A plan for the fixtures plugin at {@code jar}, with the default worker JVM options and {@code extraOptions}. */
    static LaunchPlan plan(Path jar, int warmSpares, int tasksPerWorker, String... extraOptions) {
        List<String> options = new ArrayList<>(WorkerProcess.DEFAULT_JVM_OPTIONS);
        options.addAll(List.of(extraOptions));
        return new LaunchPlan(jar, options, warmSpares, tasksPerWorker, FIXTURES);
    }


    private static WorkerWrapper unconfined() throws IOException {
        return new WorkerWrapper("none", false, directory -> List.of(), WorkerLimits.none().forWorker(1));
    }

    boolean groupsAvailable() {
        return groups.available();
    }

    /** Starts a worker JVM for {@code plan}, warming up first when {@code warm}. */
    synchronized WorkerJvm start(LaunchPlan plan, boolean warm) throws IOException {
        if (closed) {
            throw new IOException("the test is over: no more worker JVMs");
        }
        WorkerJvm jvm = WorkerJvm.start(JAVA, scratch, groups, unconfined(), mapper, plan.jvmOptions(),
                classpath.with(plan.pluginJar()), warm, plan.workerClass(), plan.tasksPerWorker());
        started.add(jvm);
        return jvm;
    }

    synchronized List<WorkerJvm> started() {
        return List.copyOf(started);
    }

    /** One assignment line for the fixtures operation {@code worker}, reporting behind {@code marker}. */
    byte[] assignment(String worker, String paramsJson, String marker) {
        try {
            return mapper.writeValueAsBytes(new TaskAssignment("task-" + UUID.randomUUID(), 1, "Fixtures", worker,
                    FIXTURES, "_task_" + worker, mapper.readTree(paramsJson), null, marker));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(paramsJson, e);
        }
    }

    /** Runs the fixtures operation {@code worker} in {@code jvm} under a new marker, as the launcher does. */
    WorkerRun run(WorkerJvm jvm, String worker, String paramsJson, Duration timeout) throws InterruptedException {
        String marker = UUID.randomUUID().toString();
        return jvm.run(assignment(worker, paramsJson, marker), marker, timeout, WorkerLauncher.COLD);
    }

    @Override
    public void close() throws InterruptedException {
        List<WorkerJvm> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(started);
        }
        try {
            for (WorkerJvm jvm : all) {
                jvm.stop(STOP_GRACE);
            }
        } finally {
            groups.close();
            scratch.close();
        }
    }
}
