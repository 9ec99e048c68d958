package io.taskhost.host.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.host.sandbox.Confined;
import io.taskhost.host.sandbox.Confinement;
import io.taskhost.host.sandbox.FilesNamed;
import io.taskhost.host.sandbox.WorkerIsolation;
import io.taskhost.host.sandbox.WorkerLimits;
import io.taskhost.host.sandbox.WorkerSandbox;
import io.taskhost.worker.ProcessGroups;
import io.taskhost.worker.TaskAssignment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs each task in a worker JVM: {@code java <options> -cp <runtime>:<plugin jar> WorkerMain}.
 * The JVM is a warm spare started ahead of the task when one waits, a JVM of a reuse-mode plugin
 * between two tasks, or else one started for the task. The task goes in on stdin, never on the
 * command line; the report comes back on stdout behind a marker that is new for every task.
 */
public final class WorkerLauncher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLauncher.class);

    /** How a task's worker JVM came to be, as its outcome record says. */
    public static final String COLD = "cold";
    public static final String SPARE = "spare";
    public static final String REUSED = "reused";

    /**
     * How many bytes of assignment lines may wait in a JVM's stdin pipe behind the task it runs. A write that
     * filled the pipe would block the slot until the JVM read on, past the running task's deadline. A pipe holds
     * 64 KiB on Linux, but only one page, 4 KiB, for a user past {@code /proc/sys/fs/pipe-user-pages-soft}:
     * what is written ahead fits in that.
     */
    static final int WRITE_AHEAD_BYTES = 4096 - 1;

    private final LaunchSettings settings;
    private final WorkerClasspath classpath;
    private final ClassDataSharing classData;
    private final ObjectMapper mapper;
    private final IdleWorkers idle;
    private final WorkerScratch scratch;
    private final ProcessGroups groups;
    private final CachedJarCheck jars;
    private final WorkerIsolation isolation;
    private final ExecutorService spawner;

    /**
     * A launcher with scratch directories under {@code settings.scratchRoot()} and process groups
     * where this machine has them.
     *
     * @param jars checks a plugin jar before a JVM starts on it or takes a task of it
     */
    public WorkerLauncher(LaunchSettings settings, WorkerClasspath classpath, ClassDataSharing classData,
                          ObjectMapper mapper, CachedJarCheck jars) throws IOException {
        this(settings, classpath, classData, mapper, WorkerScratch.create(settings.scratchRoot()),
                ProcessGroups.ofThisPlatform(), jars, WorkerIsolation.none());
    }

    /**
     * A launcher that starts workers in {@code scratch} and {@code groups}, confined by {@code isolation};
     * it closes the first two when it is closed.
     */
    public WorkerLauncher(LaunchSettings settings, WorkerClasspath classpath, ClassDataSharing classData,
                          ObjectMapper mapper, WorkerScratch scratch, ProcessGroups groups, CachedJarCheck jars,
                          WorkerIsolation isolation) {
        this.settings = settings;
        this.classpath = classpath;
        this.classData = classData;
        this.mapper = mapper;
        this.scratch = scratch;
        this.groups = groups;
        this.jars = jars;
        this.isolation = isolation;
        this.spawner = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "worker-spawner");
            thread.setDaemon(true);
            return thread;
        });
        this.idle = new IdleWorkers(plan -> start(plan, true), settings.sparesKeptFor(), Clock.systemUTC());
    }

    /**
     * Runs {@code assignment} in a worker JVM for {@code plan} and waits for its report, its
     * death, or its timeout.
     *
     * @param timeout how long the operation may run; the worker and its descendants are then killed
     * @throws IOException          if no JVM could be started
     * @throws InterruptedException if the host is shutting down; the worker has been killed
     */
    public WorkerRun run(TaskAssignment assignment, LaunchPlan plan, Duration timeout)
            throws IOException, InterruptedException {
        return run(assignment, plan, timeout, (pid, launch) -> { });
    }

    /** Told which JVM runs a task, just before the task is handed to it. */
    @FunctionalInterface
    public interface Handing {
        /** @param launch {@link #COLD}, {@link #SPARE} or {@link #REUSED} */
        void handing(long pid, String launch);
    }

    /**
     * {@link #run(TaskAssignment, LaunchPlan, Duration)}, telling {@code handing} the JVM's pid and
     * launch kind once it is chosen: {@link #runInTurn} with one turn, logged with the caller's MDC.
     */
    public WorkerRun run(TaskAssignment assignment, LaunchPlan plan, Duration timeout, Handing handing)
            throws IOException, InterruptedException {
        return runInTurn(List.of(new Turn(assignment, timeout, handing, MDC.getCopyOfContextMap())), plan).get(0);
    }

    /**
     * One task of a run in turn: its assignment, how long its operation may run, and who to tell which JVM runs it.
     *
     * @param assignment the task; its report marker is replaced by a new one
     * @param timeout    how long the operation may run, counted from when it starts: when its line is written, or
     *                   when the report of the task before it in the same JVM arrives
     * @param handing    told the JVM's pid and launch kind just before the task's line is written
     * @param logContext the MDC the worker's output is logged with while this task runs; null for none
     */
    public record Turn(TaskAssignment assignment, Duration timeout, Handing handing, Map<String, String> logContext) {
    }

    /**
     * Runs {@code turns}, all of plan {@code plan}, in order. In reuse mode (plan.tasksPerWorker() > 1) the
     * assignments are written ahead to one JVM, as many as it has tasks left, and the next ones to the next JVM;
     * otherwise each runs as run(...) runs it. Returns one WorkerRun per turn that was handed to a JVM, in order;
     * it returns early (a shorter list) right after the first run that has no report (the JVM died, timed out, or
     * sent a report too large): the turns after it were written to a JVM that is gone, never started, and the caller
     * runs them again in a later call. At least one run is returned unless an exception is thrown.
     * <p>
     * Lines are written ahead up to {@link #WRITE_AHEAD_BYTES} behind the first of each JVM's batch; turns past
     * that go to the same JVM in a further batch. If no JVM can be started for a later turn, the runs so far are
     * returned, and the failure logged: the caller meets it again when it runs the rest.
     *
     * @throws IOException if no JVM could be started for the first turn
     * @throws TurnsInterrupted the host is stopping: the JVM is killed; it holds the runs that had reported
     */
    public List<WorkerRun> runInTurn(List<Turn> turns, LaunchPlan plan) throws IOException, TurnsInterrupted {
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("no turns to run for " + plan.pluginJar().getFileName());
        }
        List<WorkerJvm.Assignment> pending = new ArrayList<>(turns.size());
        for (Turn turn : turns) {
            String marker = UUID.randomUUID().toString();
            pending.add(new WorkerJvm.Assignment(serialize(withMarker(turn.assignment(), marker)), marker,
                    turn.timeout(), null, turn.logContext()));
        }
        List<WorkerRun> runs = new ArrayList<>(turns.size());
        while (runs.size() < turns.size()) {
            int from = runs.size();
            List<WorkerRun> batch;
            try {
                batch = runOnOneJvm(turns.subList(from, turns.size()), pending.subList(from, pending.size()), plan);
            } catch (TurnsInterrupted e) {
                runs.addAll(e.ran());
                throw new TurnsInterrupted(runs);
            } catch (InterruptedException e) {
                throw new TurnsInterrupted(runs);
            } catch (IOException | RuntimeException e) {
                if (runs.isEmpty()) {
                    throw e;
                }
                // The turns before it ran: their reports must reach the caller, who meets this again with the rest.
                log.warn("no worker JVM for {} took the next of its turns: {}", plan.pluginJar().getFileName(),
                        e.toString());
                return runs;
            }
            runs.addAll(batch);
            if (batch.get(batch.size() - 1).report() == null) {
                break;
            }
        }
        return runs;
    }

    /** Runs as many of {@code turns} as one JVM takes, up to the first without a report. */
    private List<WorkerRun> runOnOneJvm(List<Turn> turns, List<WorkerJvm.Assignment> lines, LaunchPlan plan)
            throws IOException, InterruptedException {
        if (!jars.verify(plan.pluginJar())) {
            idle.retire(plan.pluginJar(), "their plugin jar had been tampered with");
        }
        WorkerJvm jvm = idle.take(plan);
        String launch = jvm == null ? COLD : jvm.remaining() < plan.tasksPerWorker() ? REUSED : SPARE;
        if (jvm == null) {
            jvm = start(plan, false);
        }
        List<WorkerJvm.Assignment> batch = new ArrayList<>(List.of(lines.get(0).launchedAs(launch)));
        int ahead = 0;
        for (int i = 1; i < lines.size() && i < jvm.remaining(); i++) {
            ahead += lines.get(i).line().length + 1;
            if (ahead > WRITE_AHEAD_BYTES) {
                break;
            }
            batch.add(lines.get(i).launchedAs(REUSED));
        }
        for (int i = 0; i < batch.size(); i++) {
            turns.get(i).handing().handing(jvm.pid(), batch.get(i).launch());
        }
        List<WorkerRun> runs = jvm.run(batch);
        if (runs.get(runs.size() - 1).report() != null && jvm.remaining() > 0 && jvm.isAlive()) {
            idle.giveBack(plan, jvm);
        } else if (jvm.remaining() > 0) {
            jvm.retire();
        }
        return runs;
    }

    /** Retires the waiting JVMs of every plugin jar but {@code jars}: their jar was replaced or removed. */
    public void retireAllBut(Set<Path> jars) {
        idle.retireAllBut(jars);
    }

    /** Retires the waiting JVMs of plugin versions that no task has used lately. */
    public void retireUnused() {
        idle.retireUnused();
    }

    /** How many worker JVMs wait for a task. */
    public int idleWorkers() {
        return idle.count();
    }

    /** Of {@link #idleWorkers()}, those done warming up. */
    public int readyIdleWorkers() {
        return idle.readyCount();
    }

    /**
     * Retires every waiting JVM, running tasks are not touched; then ends the process-group
     * signaller and deletes the scratch directories.
     */
    @Override
    public void close() {
        idle.close();
        spawner.shutdown();
        groups.close();
        scratch.close();
    }

    /**
     * Starts a JVM on the spawner thread, which lives as long as the launcher: a sandbox's
     * {@code --die-with-parent} fires when the thread that started it ends, not the host.
     */
    private WorkerJvm start(LaunchPlan plan, boolean warm) throws IOException {
        jars.verify(plan.pluginJar());
        List<Path> jarsOnClasspath = classpath.jars(plan.pluginJar());
        // First, so that the plan's own options, an operator's, override them.
        List<String> options = new ArrayList<>(AddedJvmOptions.forWorker(classData.workerFeature(), plan.tasksPerWorker()));
        options.addAll(plan.jvmOptions());
        options.addAll(classData.optionsFor(jarsOnClasspath, plan.jvmOptions()));
        List<Path> readOnly = new ArrayList<>(jarsOnClasspath);
        readOnly.addAll(FilesNamed.byOptions(options));
        WorkerSandbox sandbox = isolation.sandbox();
        Confinement confinement = isolation.limits().forWorker(
                WorkerLimits.memoryFor(options, isolation.memoryHeadroom()));
        var wrapper = new WorkerWrapper(sandbox.name(), sandbox.hidesHost(), directory -> {
            List<String> prefix = new ArrayList<>(confinement.commandPrefix());
            prefix.addAll(sandbox.commandFor(new Confined(readOnly, List.of(directory), directory, plan.network())));
            return prefix;
        }, confinement);
        try {
            return awaitStarted(spawner.submit(() -> WorkerJvm.start(settings.java(), scratch, groups, wrapper, mapper,
                    options, classpath.with(plan.pluginJar()), warm, plan.workerClass(), plan.tasksPerWorker())));
        } catch (RejectedExecutionException e) {
            confinement.close();
            throw new IOException("the launcher is closed; no worker JVM is started", e);
        } catch (IOException | RuntimeException e) {
            confinement.close();
            throw e;
        }
    }

    /**
     * Waits for a start through an interrupt, which is kept for the caller: a JVM whose start was no
     * longer awaited would run on, owned by nobody.
     */
    private static WorkerJvm awaitStarted(Future<WorkerJvm> started) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return started.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException("starting a worker JVM failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private byte[] serialize(TaskAssignment assignment) {
        try {
            return mapper.writeValueAsBytes(assignment);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize task " + assignment.taskId(), e);
        }
    }

    private static TaskAssignment withMarker(TaskAssignment a, String marker) {
        return new TaskAssignment(a.taskId(), a.attempt(), a.taskClass(), a.worker(), a.javaClass(), a.method(),
                a.params(), a.deadlineEpochMillis(), marker);
    }
}
